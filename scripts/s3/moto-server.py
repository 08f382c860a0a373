#!/usr/bin/env python3
"""An S3 API server for the tests and the bench: moto's server mode on a free loopback port,
with request authentication on (Signature V4 checked against IAM keys).

Usage: moto-server.py [BUCKET] [--forever] [--host ADDRESS]. --host binds another address
(0.0.0.0: every address of the network namespace it runs in, as the multi-host test does on
its host A); the printed endpoint then uses 127.0.0.1, and clients elsewhere use the port.

Creates an IAM user allowed everything and its access key while authentication is still off
(moto's INITIAL_NO_AUTH_ACTION_COUNT), then the bucket named by argv[1] with those keys, and
prints one JSON line: {"endpoint", "access_key", "secret_key", "bucket"} (and "moto-server
ready" on standard error). Serves until its standard input closes (the test or bench that
started it ended) or, with --forever as second argument, until it is killed.
"""
import argparse
import json
import os
import sys
import threading

# IAM's CreateUser, PutUserPolicy and CreateAccessKey run unauthenticated; every request after
# them must be signed with a known key.
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bucket", nargs="?", default="media")
    parser.add_argument("--forever", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    bucket = arguments.bucket
    server = ThreadedMotoServer(ip_address=arguments.host, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
    anonymous = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bootstrap",
                     aws_secret_access_key="bootstrap")
    iam = boto3.client("iam", **anonymous)
    iam.create_user(UserName="mediadaemon")
    iam.put_user_policy(UserName="mediadaemon", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="mediadaemon")["AccessKey"]
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    s3.create_bucket(Bucket=bucket)
    print(json.dumps({"endpoint": endpoint, "access_key": key["AccessKeyId"],
                      "secret_key": key["SecretAccessKey"], "bucket": bucket}), flush=True)
    print("moto-server ready", file=sys.stderr, flush=True)
    if arguments.forever:
        threading.Event().wait()
    sys.stdin.read()  # until the parent closes it or exits
    server.stop()


if __name__ == "__main__":
    main()
