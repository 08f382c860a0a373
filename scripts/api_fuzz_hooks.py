"""Schemathesis hooks for `scripts/bench api-fuzz` (loaded through SCHEMATHESIS_HOOKS).

Two things openapi.yaml states in words, which a schema cannot generate by itself:

- The formats an upload's `media` part may be (its `encoding` contentType): the server sniffs
  the bytes and refuses anything else with 400 `unsupported_format`. Random bytes are not such
  a file, so positive test cases draw real ones from fixtures/inputs, as Schemathesis' guide to
  custom media types does. Negative cases still send arbitrary bytes.
- An Idempotency-Key is a fresh random identifier per intended post: the same key with another
  file is 422 `idempotency_key_reused` (the IETF Idempotency-Key draft's answer), which is the
  server being right, not a rejected valid request. Generated keys repeat across test cases
  (Hypothesis likes "0"), so in positive test cases a key is replaced by a fresh UUID when
  sent; negative cases go as generated, for the 400 (or 401) they must get.

And one thing a multipart body cannot carry: a form field is text on the wire, so a "caption"
generated as an object or a number reaches the server as the text of it (`{}`), a valid caption.
Such negative cases test nothing the server could see and are not generated.
"""

import uuid
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

INPUTS = Path(__file__).resolve().parent.parent / "fixtures" / "inputs"
SAMPLES = {
    "image/jpeg": ["orient-6.jpg", "cmyk-profile.jpg"],
    "image/png": ["alpha.png"],
    "image/gif": ["animated.gif"],
    "video/mp4": ["odd-1281x721.mp4", "no-audio.mp4"],
}

for media_type, names in SAMPLES.items():
    schemathesis.openapi.media_type(media_type, st.sampled_from([(INPUTS / name).read_bytes() for name in names]))


@schemathesis.hook
def before_call(context, case, kwargs):
    # Positive cases only: a negative one (a missing Authorization header, say) goes exactly as
    # generated, and changing its headers would make Schemathesis re-derive what it tests.
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 1 <= len(key.encode()) <= 255:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())


@schemathesis.hook
def filter_body(context, body):
    operation = getattr(context, "operation", None)
    if operation is None or operation.path != "/api/v1/posts" or operation.method.upper() != "POST":
        return True
    if isinstance(body, dict) and "caption" in body and not isinstance(body["caption"], str):
        return False
    return True
