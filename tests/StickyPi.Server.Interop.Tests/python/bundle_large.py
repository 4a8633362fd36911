"""An ML bundle with a file larger than one 15 MiB checksum part, through upstream's RemoteClient.

usage: run-python bundle_large.py --port P --user U --password PW --out FILE

Upstream's client verifies every download against the listed md5 with the S3 multipart rule (15 MiB parts: md5 of the
part md5s + "-<parts>"); upstream's own server lists S3's ETag, which for a presigned-POST upload is the plain md5, so
such files never verify there (spec §8 #26). Ours computes the multipart checksum from the content.
"""
import argparse, hashlib, json, os, shutil, sys, tempfile

from sticky_pi_api.client import RemoteClient
from sticky_pi_api.utils import multipart_etag

PART = 15 * 1024 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="stickypi-interop-bundle-")
    out = {}
    try:
        bundle = "large-bundle"
        src = os.path.join(work, "src", bundle)
        os.makedirs(os.path.join(src, "output"))
        os.makedirs(os.path.join(src, "config"))
        block = hashlib.sha512(b"large model").digest() * 2048  # 128 KiB
        with open(os.path.join(src, "output", "model_final.pth"), "wb") as f:
            for i in range(131):  # 16.4 MiB: two checksum parts
                f.write(block[:-1] + bytes([i]))
        with open(os.path.join(src, "config", "config.yaml"), "w") as f:
            f.write("MODEL: {}\n")
        expected = {k: multipart_etag(os.path.join(src, k), PART) for k in ("output/model_final.pth", "config/config.yaml")}
        out["expected_checksums"] = expected
        client = RemoteClient(os.path.join(work, "client"), host="127.0.0.1", username=a.user, password=a.password,
                              protocol="http", port=a.port, n_threads=2)
        client._max_retry_attempts, client._sleep_time_between_attempts = 2, 0
        out["uploaded"] = sorted(r["key"] for r in client.put_ml_bundle_dir(bundle, src))
        out["listed"] = {r["key"]: r["md5"] for r in client._get_ml_bundle_file_list(bundle, "all")}
        dst = os.path.join(work, "dst", bundle)
        os.makedirs(dst)
        try:
            out["downloaded"] = sorted(r["key"] for r in client.get_ml_bundle_dir(bundle, dst, "model"))
        except AssertionError as e:  # the client's own checksum verification
            out["downloaded"] = "client refused the download: %s" % e
        out["same_bytes"] = all(
            os.path.isfile(os.path.join(dst, k)) and
            open(os.path.join(dst, k), "rb").read() == open(os.path.join(src, k), "rb").read() for k in expected)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    json.dump(out, open(a.out, "w"), indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
