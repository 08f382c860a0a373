#!/usr/bin/env python3
"""Asks a bucket which of some keys it lacks, for the tests: one HEAD request per key (botocore,
signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment, path-style).

Usage: missing-keys.py ENDPOINT BUCKET KEYFILE (one key a line). Prints each key the bucket
answers 404 for, one a line; any other failure (refused, unreachable) exits non-zero.
"""
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def main():
    endpoint, bucket, keyfile = sys.argv[1:4]
    with open(keyfile) as lines:
        keys = [line.rstrip("\n") for line in lines if line.strip()]
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}, max_pool_connections=8))

    def absent(key):
        try:
            s3.head_object(Bucket=bucket, Key=key)
            return False
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return True
            raise

    with ThreadPoolExecutor(max_workers=8) as pool:
        for key, gone in zip(keys, pool.map(absent, keys)):
            if gone:
                print(key)


if __name__ == "__main__":
    main()
