"""Upstream's own RemoteClient pushing a folder of images to a server: put_images as a harvester runs it.

usage: run-python push_upstream.py --port P --user U --password PW --threads 8 DIR
Prints one JSON line: {"files", "uploaded", "seconds"}. put_images hashes and parses every file on the client, asks
the server which exist (get_images), then uploads the new ones one request per image (Connection: close).
"""
import argparse, glob, json, os, sys, tempfile, time, shutil

from sticky_pi_api.client import RemoteClient


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("dir")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.dir, "**", "*.jpg"), recursive=True))
    cache = tempfile.mkdtemp(prefix="stickypi-push-")
    try:
        client = RemoteClient(cache, host="127.0.0.1", username=a.user, password=a.password, protocol="http",
                              port=a.port, n_threads=a.threads)
        client._max_retry_attempts, client._sleep_time_between_attempts = 2, 0
        t0 = time.time()
        uploaded = client.put_images(files)
        seconds = time.time() - t0
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(json.dumps({"files": len(files), "uploaded": len(uploaded), "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
