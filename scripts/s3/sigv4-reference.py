#!/usr/bin/env python3
"""Signs requests with botocore's S3 Signature V4 signers, the reference the tests hold the
store's signer to. Reads one JSON request per line on stdin:
  {"method", "host", "path" (raw, unencoded), "params": [[name, value]...], "headers": [[name, value]...],
   "body_hex", "timestamp" (YYYYMMDDTHHMMSSZ), "region", "access_key", "secret_key", "token" (or null),
   "expires" (presign only, or null)}
and writes one JSON line per request: {"authorization"} or, with "expires", {"url"} (presigned).
"""
import datetime
import json
import sys
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(item):
    moment = datetime.datetime.strptime(item["timestamp"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *args, **kwargs: moment
    credentials = Credentials(item["access_key"], item["secret_key"], item.get("token"))
    url = "http://" + item["host"] + quote(item["path"], safe="/~")
    request = AWSRequest(method=item["method"], url=url, headers=dict(item["headers"]),
                         data=bytes.fromhex(item["body_hex"]), params=[tuple(p) for p in item["params"]])
    if item.get("expires") is not None:
        botocore.auth.S3SigV4QueryAuth(credentials, "s3", item["region"], expires=item["expires"]).add_auth(request)
        return {"url": request.url}
    botocore.auth.S3SigV4Auth(credentials, "s3", item["region"]).add_auth(request)
    return {"authorization": request.headers["Authorization"]}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(sign(json.loads(line))), flush=True)
