"""The printed table (and the figures docs/performance.md quotes) from a results dict."""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.fanout import summarize

TARGET_FANOUT_VS_HUB = 0.7
TARGET_BIG_ROOM_RATE = {"daphne": 4, "uvicorn": 15}
TARGET_IDLE_KIB = 30
TARGET_TOPIC_P95_MS = 30
TARGET_SEARCH_P95_MS = 100
TARGET_DASHBOARD_P95_MS = 200
TARGET_SUGGEST_MS = 200
TARGET_ROUND_RATIO = 2.0
TARGET_POST_CPU_MS = 2.0  # issue 13
TARGET_LIGHTHOUSE = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 95}  # issue 14
SCENARIOS = {"big": "1 room x {n}", "mid": "1 room x 100", "small": "100 rooms x 10"}


def _f(x: Any, nd: int = 0) -> str:
    if x is None:
        return "-"
    if isinstance(x, float | int):
        return f"{x:,.{nd}f}"
    return str(x)


def _ratio(a: Any, b: Any, a_ceiling: bool = True, b_ceiling: bool = True) -> str:
    """a / b; a figure that is not a ceiling (the server passed every step it ran) is a
    floor, so the ratio is then a bound (">=" or "<=") or, with both floors, meaningless."""
    if a is None or not b:
        return "-"
    if not a_ceiling and not b_ceiling:
        return "n/a"
    mark = ">=" if not a_ceiling else "<=" if not b_ceiling else ""
    return f"{mark}{a / b:.2f}x"


def _ceiling(s: dict[str, Any]) -> bool:
    # Results saved before the ladder reported it: a first failing step meant a ceiling.
    if "ceiling_found" in s:
        return bool(s["ceiling_found"])
    f = s.get("first_failing")
    return bool(f) and not f.get("budget")


def _ended(s: dict[str, Any]) -> str:
    f = s.get("first_failing")
    if not f:
        return f"NO CEILING: passed the ladder's top ({s.get('ladder_top_msgs_per_s', '?')} msg/s)"
    if f.get("budget"):
        return "NO CEILING: step time budget ran out (ceiling higher)"
    why = []
    if f.get("lost"):
        why.append(f"lost {f['lost']:,}")
    if f.get("errors"):
        why.append(f"{f['errors']} errors")
    if f.get("p99_ms") is not None and f["p99_ms"] >= 250:
        why.append(f"p99 {f['p99_ms']:,.0f} ms")
    return f"{f['msgs_per_s']} msg/s: " + ", ".join(why or ["fail"])


def fanout_rows(res: dict[str, Any]) -> tuple[list[str], list[tuple[str, bool | None]]]:
    lines: list[str] = []
    checks: list[tuple[str, bool | None]] = []
    fan = res.get("fanout") or {}
    if not fan:
        return lines, checks
    head = (
        f"{'scenario':<16}{'server':<30}{'max deliv/s':>12}{'msg/s':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'cpu us/d':>9}{'vs hub':>8}{'vs chat':>8}{'srv/lg cpu':>12}  ended by"
    )
    lines += ["FAN-OUT: deliveries/s at p99 < 250 ms with zero loss; latency (ms) and CPU at the moderate rate", head]
    for key, result in fan.items():
        if not isinstance(result, dict):
            continue
        scenario, app, server = key.split("/")
        s = summarize(result) if result.get("steps") else result.get("summary") or {}
        label = SCENARIOS[scenario].format(n=s.get("sockets") or res.get("big_room", "?"))
        if "error" in s:
            lines.append(f"{label:<16}{app + '/' + server:<30}  FAILED: {s['error'][:110]}")
            continue
        mod = s["moderate"]
        hub = (fan.get(f"{scenario}/asgi_hub/{server}") or {}).get("summary") or {}
        chat = (fan.get(f"{scenario}/channels_chat/{server}") or {}).get("summary") or {}
        mine = s["max_deliveries_per_s"]
        lines.append(
            f"{label:<16}{app + '/' + server:<30}{_f(mine):>12}{_f(s['max_msgs_per_s']):>7}"
            f"{_f(mod['p50_ms'], 1):>8}{_f(mod['p95_ms'], 1):>8}{_f(mod['p99_ms'], 1):>8}"
            f"{_f(mod['cpu_us_per_delivery']):>9}"
            f"{_ratio(mine, hub.get('max_deliveries_per_s'), _ceiling(s), _ceiling(hub)) if app != 'asgi_hub' else '':>8}"
            f"{_ratio(mine, chat.get('max_deliveries_per_s'), _ceiling(s), _ceiling(chat)) if app == 'kring' else '':>8}"
            f"{_f(s.get('server_cpu_share_at_end'), 2) + '/' + _f(s.get('loadgen_busy_at_end'), 2):>12}  {_ended(s)}"
        )
        if app == "kring" and scenario in ("mid", "small") and hub.get("max_deliveries_per_s"):
            ok = mine >= TARGET_FANOUT_VS_HUB * hub["max_deliveries_per_s"]
            checks.append((f"fan-out {SCENARIOS[scenario].format(n='')} on {server} >= 0.7x hub: {mine:,.0f}/s = "
                           f"{_ratio(mine, hub['max_deliveries_per_s'])}", ok))  # fmt: skip
        if app == "kring" and scenario == "big":
            want = TARGET_BIG_ROOM_RATE.get(server, 0)
            rate = s["max_msgs_per_s"]
            checks.append((f"{s.get('sockets')}-member room on {server}: p99 < 250 ms at {rate} msg/s (target >= {want})",
                           rate >= want))  # fmt: skip
    return lines, checks


def lighthouse_rows(lh: dict[str, Any], checks: list[tuple[str, bool | None]]) -> list[str]:
    """Lighthouse's four scores per page beside the static baseline; targets from issue 14."""
    if not lh:
        return []
    if "error" in lh:
        return ["", f"LIGHTHOUSE: error {lh['error'][:300]}"]
    lines = [
        "",
        f"LIGHTHOUSE ({lh.get('preset')}, Lighthouse's default throttling; median of {lh.get('runs')} run(s); "
        "scores 0-100, metrics in ms)",
        f"  {'page':<32}{'perf':>5}{'a11y':>5}{'bp':>5}{'seo':>5}{'FCP':>7}{'LCP':>7}{'TBT':>6}{'CLS':>7}"
        f"{'KiB':>6}  console errors / failing audits",
    ]
    for name, page in lh.get("pages", {}).items():
        if "error" in page:
            lines.append(f"  {name:<32}FAILED: {page['error'][:120]}")
            if not name.startswith("baseline"):
                checks.append((f"Lighthouse {name}: no result", False))
            continue
        s, m = page["scores"], page["metrics"]
        weight = (page.get("total_byte_weight") or 0) / 1024
        notes = [f"{len(page['console_errors'])} console errors", *page.get("failing_audits", [])]
        lines.append(
            f"  {name:<32}{_f(s['performance']):>5}{_f(s['accessibility']):>5}{_f(s['best-practices']):>5}"
            f"{_f(s['seo']):>5}{_f(m.get('fcp_ms')):>7}{_f(m.get('lcp_ms')):>7}{_f(m.get('tbt_ms')):>6}"
            f"{_f(m.get('cls'), 3):>7}{weight:>6.0f}  {'; '.join(notes)}"
        )
        lines += [f"{'':<34}console: {c}" for c in page["console_errors"][:5]]
        if name.startswith("baseline"):
            continue
        met = (
            (s["performance"] or 0) >= TARGET_LIGHTHOUSE["performance"]
            and s["accessibility"] == 100
            and s["best-practices"] == 100
            and (s["seo"] or 0) >= TARGET_LIGHTHOUSE["seo"]
            and not page["console_errors"]
        )
        checks.append(
            (
                f"Lighthouse {name}: perf {s['performance']} a11y {s['accessibility']} bp {s['best-practices']} "
                f"seo {s['seo']}, {len(page['console_errors'])} console errors "
                "(targets >= 95 / 100 / 100 / >= 95, 0 errors)",
                met,
            )
        )
    return lines


def table(out: dict[str, Any]) -> str:
    res = out.get("results", {})
    m = out.get("machine", {})
    lines = [
        f"Kring benchmarks {out.get('started_utc')} commit {out.get('commit')} quick={out.get('quick')}",
        f"machine: {m.get('nproc')} x {m.get('cpu')}, {m.get('ram_gib')} GiB; servers on CPU {m.get('server_cpus')}, "
        f"load generator on CPU {m.get('loadgen_cpus')}; load average {m.get('loadavg_at_start')} -> "
        f"{out.get('loadavg_at_end')}",
        "",
    ]
    fl, checks = fanout_rows(res)
    lines += fl
    scale = res.get("scaleout") or {}
    if scale:
        lines += ["", "SCALE-OUT: Kring, 1 vs 2 processes on one Redis, 1 room x 100, posts via process A only"]
        for server, r in scale.items():
            if "error" in r:
                lines.append(f"  {server}: error {r['error'][:100]}")
                continue
            one_r = r.get("1_process") or {}
            one = summarize(one_r) if one_r.get("steps") else one_r.get("summary") or {}
            two = r.get("2_process") or {}
            two_s = summarize(two) if two.get("steps") else two.get("summary") or {}
            by_url = two.get("received_by_url") or {}
            cross = int(by_url.get("1", 0))
            lines.append(
                f"  {server}: 1 process {_f(one.get('max_deliveries_per_s'))}/s; 2 processes "
                f"{_f(two_s.get('max_deliveries_per_s'))}/s ({_ratio(two_s.get('max_deliveries_per_s'), one.get('max_deliveries_per_s'))}); "
                f"deliveries on process B of posts made via A: {cross:,}"
            )
            checks.append((f"scale-out on {server}: cross-process delivery ({cross:,} on B)", cross > 0))
    idle = res.get("idle") or {}
    if idle:
        lines += ["", "IDLE SOCKETS: server RSS growth per authenticated socket (hello received, no subscription)"]
        for key, r in idle.items():
            if "error" in r:
                lines.append(f"  {key}: error {r['error'][:100]}")
                continue
            parts = [
                f"{st['sockets']:,} sockets {st['kib_per_socket']} KiB/socket (RSS {st['rss_mib']} MiB)"
                for st in r["stages"][1:]
            ]
            lines.append(f"  {key:<22}" + "; ".join(parts))
            if key.startswith("kring"):
                worst = max(st["kib_per_socket"] for st in r["stages"][1:])
                checks.append((f"idle socket on {key}: {worst} KiB (target <= 30)", worst <= TARGET_IDLE_KIB))
    post = res.get("posting") or {}
    if post and "error" not in post:
        lines += [
            "",
            "POSTING: server CPU per stored message at batches of one (the write path of a post frame,"
            " announce included; fan-out not)",
            f"  {post['cpu_ms_per_message']} ms CPU per message (rounds {post['cpu_ms_rounds']}),"
            f" {post['queries_per_post']} statements, wall {post['wall_ms_per_message']} ms",
        ]
        checks.append((f"server CPU per stored message at batches of one: {post['cpu_ms_per_message']} ms (target <= 2)",
                       post["cpu_ms_per_message"] <= TARGET_POST_CPU_MS))  # fmt: skip
    elif post:
        lines += ["", f"POSTING: error {post['error'][:200]}"]
    hist = res.get("history") or {}
    if hist and "error" not in hist:
        lines += ["", "HISTORY (ms p50/p95, queries)"]
        for size, r in hist.items():
            cells = [
                f"{name} {r[name]['p50_ms']}/{r[name]['p95_ms']} q{r[name]['queries']}"
                for name in r
                if isinstance(r[name], dict)
            ]
            lines.append(f"  {int(size):>9,} msgs: " + "; ".join(cells))
        sizes = sorted(hist, key=int)
        top = hist[sizes[-1]]["topic_page"]
        checks.append((f"topic page p95 at {int(sizes[-1]):,} messages: {top['p95_ms']} ms (target <= 30)",
                       top["p95_ms"] <= TARGET_TOPIC_P95_MS))  # fmt: skip
        q = {hist[s]["topic_page"]["queries"] for s in sizes}
        checks.append((f"topic page query count constant across {', '.join(sizes)}: {sorted(q)}", len(q) == 1))
    elif hist:
        lines += ["", f"HISTORY: error {hist['error'][:200]}"]
    d = res.get("directory") or {}
    if d and "error" not in d:
        lines += ["", f"DIRECTORY ({d['communities']:,} communities, ms p50/p95, queries)"]
        for name, r in d.items():
            if isinstance(r, dict):
                lines.append(f"  {name:<22}{r['p50_ms']}/{r['p95_ms']} q{r['queries']}")
    mt = res.get("matching") or {}
    if mt and "error" not in mt:
        lines += ["", f"MATCHING ({mt['profiles']:,} profiles; table build {mt['table_build_ms']} ms)"]
        lines.append(f"  suggest p50 {mt['suggest']['p50_ms']} ms, p95 {mt['suggest']['p95_ms']} ms")
        checks.append((f"suggestions p95 at 50,000 profiles: {mt['suggest']['p95_ms']} ms (target <= 200)",
                       mt["suggest"]["p95_ms"] <= TARGET_SUGGEST_MS))  # fmt: skip
        for key, r in mt.items():
            if key.startswith("round_"):
                lines.append(
                    f"  {key}: run_round {r['run_round_s']} s = score matrix {r['score_matrix_s']} s + ...; "
                    f"linear_sum_assignment alone {r['linear_sum_assignment_s']} s; ratio {r['ratio']}x"
                )
        last = max((k for k in mt if k.startswith("round_")), key=lambda k: int(k.split("_")[1]), default=None)
        if last:
            checks.append((f"{last} <= 2x linear_sum_assignment: {mt[last]['ratio']}x", mt[last]["ratio"] <= 2))
    kb = res.get("knowledge") or {}
    if kb and "error" not in kb:
        lines += [
            "",
            f"KNOWLEDGE SEARCH ({kb['lessons']:,} live lessons; {kb['created_now']:,} created this run at "
            f"{kb['create_per_s']}/s; ms p50/p95, queries)",
        ]
        for name, r in kb.items():
            if isinstance(r, dict):
                lines.append(f"  {name:<30}{r['p50_ms']}/{r['p95_ms']} q{r['queries']}")
        at_target = kb["lessons"] >= 10_000
        checks.append(
            (
                f"knowledge search p95 at {kb['lessons']:,} lessons: {kb['search_page']['p95_ms']} ms "
                f"(target <= 100 at 10,000{'' if at_target else ': not reached, size too small'})",
                (kb["search_page"]["p95_ms"] <= TARGET_SEARCH_P95_MS) if at_target else None,
            )
        )
    elif kb:
        lines += ["", f"KNOWLEDGE SEARCH: error {kb['error'][:200]}"]
    mon = res.get("monitoring") or {}
    if mon and "error" not in mon:
        d = mon["dashboard"]
        lines += [
            "",
            f"MONITORING ({mon['messages']:,} messages; roll-up {mon['rollup_full_s']} s in full, "
            f"{mon['rollup_incremental_s']} s hourly)",
            f"  dashboard {d['p50_ms']}/{d['p95_ms']} q{d['queries']}; "
            f"CSV {mon['export_csv']['p50_ms']}/{mon['export_csv']['p95_ms']}",
        ]
        checks.append((f"monitoring dashboard p95 at {mon['messages']:,} messages: {d['p95_ms']} ms (target <= 200)",
                       d["p95_ms"] <= TARGET_DASHBOARD_P95_MS))  # fmt: skip
    elif mon:
        lines += ["", f"MONITORING: error {mon['error'][:200]}"]
    mt_tables = res.get("meetings") or {}
    if mt_tables and "error" not in mt_tables:
        lines += ["", f"MEETING TABLES ({mt_tables['attendees']} attendees, {mt_tables['organisations']} organisations, "
                  f"tables of {mt_tables['table_size']}; worst table's mix vs best of {mt_tables['random_splits']} random)"]  # fmt: skip
        for r in mt_tables["runs"]:
            lines.append(f"  seed {r['seed']}: {r['assign_ms']} ms, worst {r['worst_mix']} vs {r['best_random_worst_mix']}, "
                         f"mean {r['mean_mix']} vs {r['best_random_mean_mix']}")  # fmt: skip
        checks.append((f"meeting tables: every table >= best of 100 random splits, {mt_tables['assign_ms_max']} ms "
                       "(target < 1000)", mt_tables["every_table_beats_best_random"]
                       and mt_tables["assign_ms_max"] < 1000))  # fmt: skip
    elif mt_tables:
        lines += ["", f"MEETING TABLES: error {mt_tables['error'][:200]}"]
    lines += lighthouse_rows(res.get("lighthouse") or {}, checks)
    if out.get("skipped"):
        lines += ["", "SKIPPED (did not fit the time budget): " + ", ".join(out["skipped"])]
    if checks:
        lines += ["", "TARGETS"]
        lines += [f"  [{'MET ' if ok else 'MISS' if ok is False else ' ?  '}] {text}" for text, ok in checks]
    return "\n".join(lines)


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/latest.json"
    with open(path) as f:
        print(table(json.load(f)))
