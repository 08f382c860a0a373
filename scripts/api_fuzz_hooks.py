"""Schemathesis hooks for `scripts/bench api-fuzz` (loaded through SCHEMATHESIS_HOOKS).

openapi.yaml lists the formats an upload's `media` part may be (its `encoding` contentType):
the server sniffs the bytes and refuses anything else with 400 `unsupported_format`. Random
bytes are not such a file, so positive test cases draw real ones from fixtures/inputs, as
Schemathesis' guide to custom media types does. Negative cases still send arbitrary bytes.
"""

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
