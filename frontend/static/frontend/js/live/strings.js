// The page's interface strings: realtime ones from the view (json_script "kring-strings"),
// conversation ones as data-* on #kring-ui-strings. English fallbacks only for a page without them.
const fromJson = JSON.parse(document.getElementById("kring-strings")?.textContent || "{}");
const fromData = document.getElementById("kring-ui-strings")?.dataset || {};

export function t(key, fallback) {
  return fromData[key] || fromJson[key] || fallback;
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
}

// A POST with the session's CSRF token that answers JSON: {"ok": true} or {"error": {...}}.
export async function postJson(url, data) {
  const body = new FormData();
  for (const [key, value] of Object.entries(data)) body.append(key, value);
  const response = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch {
    answer = {};
  }
  if (!response.ok || answer.error) {
    const error = new Error(answer.error?.message || t("actionFailed", "That did not work. Try again."));
    error.code = answer.error?.code;
    throw error;
  }
  return answer;
}
