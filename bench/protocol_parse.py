"""Parse cost of a client frame: ``realtime.protocol.parse_client_frame`` per frame, in µs.

Run alone (no server, no database): ``.venv/bin/python -m bench.protocol_parse``. Each
frame kind is parsed ``--loops`` times in a row, best of ``--repeat`` runs; the mix row
weighs kinds roughly as a busy room sends them (reads and typing outnumber posts).
"""

from __future__ import annotations

import argparse
import json
import os
import timeit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

FRAMES = {
    "post": {
        "type": "post",
        "room": 12,
        "topic": 7,
        "body": "Wie heeft ervaring met **warmtepompen**? We zoeken iemand die ons kan helpen met de aanvraag.",
        "client_id": "0b7d7b5e-5c2b-4a36-9a4e-3f0f6c1d2e11",
        "ref": "p17",
    },
    "subscribe": {"type": "subscribe", "room": 12, "after_seq": 40, "ref": "s1"},
    "read": {"type": "read", "room": 12, "seq": 41},
    "typing": {"type": "typing", "room": 12, "topic": 7},
    "fetch": {"type": "fetch", "room": 12, "from_seq": 42, "to_seq": 44, "ref": "f"},
    "react": {"type": "react", "room": 12, "seq": 41, "emoji": "👍", "add": True},
    "ping": {"type": "ping"},
}
MIX = {"post": 2, "read": 3, "typing": 3, "ping": 1, "subscribe": 1}


def measure(loops: int, repeat: int) -> dict[str, float]:
    from realtime.protocol import parse_client_frame

    texts = {kind: json.dumps(frame, ensure_ascii=False) for kind, frame in FRAMES.items()}
    result: dict[str, float] = {}
    for kind, text in texts.items():
        best = min(timeit.repeat(lambda text=text: parse_client_frame(text, None), number=loops, repeat=repeat))
        result[kind] = best / loops * 1e6
    weight = sum(MIX.values())
    result["mix"] = sum(result[k] * n for k, n in MIX.items()) / weight
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loops", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    import django

    django.setup()
    for kind, micros in measure(args.loops, args.repeat).items():
        print(f"{kind:10s} {micros:6.2f} µs")


if __name__ == "__main__":
    main()
