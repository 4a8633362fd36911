"""Drive upstream's unmodified RemoteClient through every client method against one Sticky Pi API server.

usage: run-python scenario.py --port P --admin-user U --admin-password PW --fixtures DIR [--samples DIR] --out FILE

Writes one JSON document: {"steps": [{"step", "ok", "result" | "error", "requests"}]}. Results are normalised so
that two servers can be compared: row order sorted, time-dependent values replaced by markers ("<datetime>",
"<token>"), file URLs replaced by what downloading them gave (md5 check, JPEG size). The server is expected to be
fresh (only its bootstrap users). This script is ours; the client and everything under sticky_pi_api are upstream's.
"""
import argparse, datetime, glob, hashlib, io, json, os, shutil, sys, tempfile, time, traceback

import numpy
import requests
from PIL import Image

from sticky_pi_api.client import RemoteClient
from sticky_pi_api.utils import multipart_etag

ML_CHUNK = 15 * 1024 * 1024
TUBOID_SERIES = "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5"
SERIES_INFO = {"device": "08038ade", "start_datetime": "2020-07-08T20:00:00Z", "end_datetime": "2020-07-09T15:00:00Z",
               "n_tuboids": 6, "n_images": 10, "algo_name": "test", "algo_version": "11111111-19191919"}

# Every HTTP exchange the client makes, so a failed step can say which status the server answered.
RESPONSES = []
_post, _get = requests.post, requests.get


def _path(url):
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]


# Upstream's routes (spec §1.4): any other POST is a file upload to a URL the server handed out (S3 or ours).
API_ROUTES = {"get_token", "get_users", "put_users", "delete_users", "get_projects", "put_projects", "delete_projects",
              "get_project_permissions", "put_project_permissions", "get_project_series", "put_project_series",
              "delete_project_series", "put_project_columns", "delete_project_columns", "get_images", "get_image_series",
              "get_images_to_annotate", "delete_images", "delete_tiled_tuboids", "put_uid_annotations",
              "get_uid_annotations", "get_uid_annotations_series", "get_tiled_tuboid_series", "put_itc_labels",
              "_get_itc_labels", "_get_ml_bundle_file_list", "_get_ml_bundle_upload_links", "_put_new_images",
              "_put_tiled_tuboids"}


def _record(method, url, response):
    path = _path(url)
    if method == "POST" and path.split("/")[1] not in API_ROUTES:
        method = "UPLOAD"
    shape = None
    if method == "POST" and response.status_code == 200:  # upstream: application/json, compact JSON and one newline
        shape = "%s, %s" % (response.headers.get("Content-Type", "").split(";")[0].strip(),
                            "ends with a newline" if response.content.endswith(b"\n") else "no final newline")
    RESPONSES.append({"method": method, "path": path, "status": response.status_code, "shape": shape,
                      "content_type": response.headers.get("Content-Type", ""),
                      "www_authenticate": response.headers.get("WWW-Authenticate"),
                      "body": response.content[:4000].decode("utf-8", "replace")})
    return response


requests.post = lambda url, *a, **kw: _record("POST", url, _post(url, *a, **kw))
requests.get = lambda url, *a, **kw: _record("GET", url, _get(url, *a, **kw))


def plain(value):
    """Python values -> JSON values; datetimes rendered as upstream renders them on the wire."""
    if isinstance(value, numpy.generic):  # numpy scalars from the client's pandas joins
        value = value.item()
    if isinstance(value, datetime.datetime):
        return None if value != value else value.strftime("%Y-%m-%dT%H:%M:%SZ")  # NaT (pandas joins) -> null
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


# Database ids differ between servers (MariaDB spends an auto-increment value on every failed insert; upstream's two
# workers race to create the bootstrap users), so ids are shown as the natural key of the row they point to.
NAMES = {"user": {}, "image": {}, "tuboid": {}, "series": {}, "project": {}}
USER_REFS = ("api_user_id", "parent_user_id", "user_id")


def ref(kind, value):
    if value is None:
        return None
    return "%s:%s" % (kind, NAMES[kind].get(value, "<unknown id %s>" % value))


def row_kind(row):
    if "username" in row:
        return "user"
    if "tuboid_id" in row and "n_shots" in row:
        return "tuboid"
    if "md5" in row and "width" in row and "device" in row:
        return "image"
    if "n_tuboids" in row and "algo_name" in row and "device" in row:
        return "series"
    if "notes" in row and "name" in row:
        return "project"
    if "parent_image_id" in row:
        return "annotation"
    if "parent_tuboid_id" in row:
        return "label"
    if "parent_project_id" in row:
        return "permission"
    return None


def norm_row(row, drop=()):
    kind = row_kind(row)
    out = {}
    for k, v in row.items():
        if k in drop:
            continue
        if isinstance(v, float) and v.is_integer() and (k.endswith("_id") or k.startswith("id") or "_id_" in k):
            v = int(v)  # ids through the client's pandas joins become floats
        if k.startswith("datetime_created"):
            missing = v is None or v != v  # null from a client-side join
            out[k] = None if missing else "<datetime>" if isinstance(v, datetime.datetime) else "<not a datetime: %r>" % (v,)
        elif (k in USER_REFS or k.startswith("api_user_id")) and isinstance(v, int):
            out[k] = ref("user", v)
        elif k == "parent_image_id" and isinstance(v, int):
            out[k] = ref("image", v)
        elif k in ("id_annot", "id_itc") and isinstance(v, int):
            out[k] = "<id>"
        elif k in ("parent_tuboid_id", "parent_tuboid_id_itc") and isinstance(v, int):
            out[k] = ref("tuboid", v)
        elif k == "parent_series_id" and isinstance(v, int):
            out[k] = ref("series", v)
        elif k == "parent_project_id" and isinstance(v, int):
            out[k] = ref("project", v)
        elif k == "id" and kind in ("user", "image", "tuboid", "series", "project") and isinstance(v, int):
            out[k] = ref(kind, v)
        elif k == "id" and kind in ("annotation", "label", "permission") and isinstance(v, int):
            out[k] = "<id>"  # the natural key is in the row already
        else:
            out[k] = plain(v)
    return out


def sort_rows(rows):
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


class Deferred:
    """Normalisation that runs at the end of the scenario, once every id the server gave has a name."""
    def __init__(self, thunk):
        self.thunk = thunk


def resolve(value):
    if isinstance(value, Deferred):
        return resolve(value.thunk())
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value


def norm_rows(rows, drop=(), keep_order=False):
    return Deferred(lambda: norm_rows_now(rows, drop, keep_order))


def norm_rows_now(rows, drop=(), keep_order=False):
    if not isinstance(rows, list):
        return {"<not a list>": plain(rows)}
    rows = [norm_row(r, drop) if isinstance(r, dict) else plain(r) for r in rows]
    return rows if keep_order else sort_rows(rows)


def fetch(url):
    """GET a file URL the server handed out; returns its bytes (None when the GET fails)."""
    r = requests.get(url, timeout=60)
    return r.content if r.status_code == 200 else None


def url_check(row, kind, expected_md5=None):
    """Replace a row's url by what downloading it gives."""
    url = row.get("url")
    if kind == "metadata":
        return url
    if not url:
        return "<missing url>"
    data = fetch(url)
    if data is None:
        return "<GET failed: %s>" % RESPONSES[-1]["status"]
    if kind == "image":
        return {"md5_matches_row": hashlib.md5(data).hexdigest() == expected_md5}
    try:
        return {"jpeg_size": list(Image.open(io.BytesIO(data)).size)}
    except Exception as e:  # not a JPEG
        return "<not an image: %s>" % e


class Scenario:
    def __init__(self, a):
        self.a = a
        self.steps = []
        self.work = tempfile.mkdtemp(prefix="stickypi-interop-client-")
        self.clients = {}

    def client(self, user, password):
        if user not in self.clients:
            c = RemoteClient(os.path.join(self.work, "client-" + user), host=self.a.host, username=user,
                             password=password, protocol="http", port=self.a.port, n_threads=4)
            # 2, not 1: upstream's _put_new_images raises after its last allowed attempt even when it succeeded
            c._max_retry_attempts, c._sleep_time_between_attempts = 2, 0
            self.clients[user] = c
        return self.clients[user]

    def refresh(self, client):
        """Learn the ids the server gave (outside any step: a failure here only leaves ids unnamed)."""
        try:
            NAMES["user"].update({u["id"]: u["username"] for u in client.get_users()})
            NAMES["image"].update({r["id"]: "%s.%s" % (r["device"], plain(r["datetime"]))
                              for r in client.get_image_series([{"device": "%", "start_datetime": "2019-11-01T00:00:00Z",
                                                                 "end_datetime": "2030-01-01T00:00:00Z"}])})
            q = [{"device": "%", "start_datetime": "2019-11-01T00:00:00Z", "end_datetime": "2030-01-01T00:00:00Z"}]
            tubs = client.get_tiled_tuboid_series(q)
            NAMES["tuboid"].update({t["id"]: t["tuboid_id"] for t in tubs})
            NAMES["series"].update({t["parent_series_id"]: t["tuboid_id"].rsplit(".", 1)[0] for t in tubs})
            NAMES["project"].update({p["id"]: p["name"] for p in client.get_projects()})
        except Exception as e:
            print("could not learn ids: %s" % e, file=sys.stderr)

    def step(self, name, fn):
        mark = len(RESPONSES)
        rec = {"step": name, "method": name.split()[0].rstrip(":")}
        try:
            rec["ok"], rec["result"] = True, fn()
        except Exception as e:
            seen = RESPONSES[mark:]
            last = seen[-1] if seen else {}
            rec["ok"] = False
            rec["error"] = {"exception": type(e).__name__, "message": str(e)[:300],
                            "status": last.get("status"), "content_type": last.get("content_type"),
                            "www_authenticate": last.get("www_authenticate"), "body": last.get("body"),
                            "traceback": traceback.format_exc()[-1500:] if not seen or last.get("status") == 200 else None}
        rec["requests"] = ["%s %s %s" % (r["method"], r["path"], r["status"]) for r in RESPONSES[mark:]]
        rec["response_shapes"] = sorted(set(r["shape"] for r in RESPONSES[mark:] if r["shape"]))
        self.steps.append(rec)
        print("%-60s %s" % (name, "ok" if rec["ok"] else "FAILED %s" % rec["error"]["status"]), file=sys.stderr)
        return rec

    # ------------------------------------------------------------------------------------------------------------
    def run(self):
        a = self.a
        admin = self.client(a.admin_user, a.admin_password)
        images = sorted(glob.glob(os.path.join(a.fixtures, "raw_images", "**", "*.jpg"), recursive=True))
        samples = sorted(glob.glob(os.path.join(a.samples, "**", "*.jpg"), recursive=True)) if a.samples else []
        md5_of = {os.path.basename(p): hashlib.md5(open(p, "rb").read()).hexdigest() for p in images + samples}

        # --- tokens and users ---------------------------------------------------------------------------------
        def token():
            t = admin.get_token()
            return {"keys": sorted(t), "token_is_3_dot_fields": len(t["token"].split(".")) == 3,
                    "expires_in_about_a_day": abs(t["expiration"] - time.time() - 86400) < 300}
        self.step("get_token", token)
        self.refresh(admin)
        bad = RemoteClient(os.path.join(self.work, "bad"), host=a.host, username=a.admin_user, password="wrong-password",
                           protocol="http", port=a.port)
        bad._max_retry_attempts, bad._sleep_time_between_attempts = 0, 0
        self.step("get_token with a wrong password", bad.get_token)
        self.step("get_users (bootstrap)", lambda: norm_rows(admin.get_users()))
        people = [{"username": "ada", "password": "ada-password-1", "email": "ada@example.org"},
                  {"username": "emilie", "password": "emilie-password-1", "email": "emilie@example.org"},
                  {"username": "rouser", "password": "rouser-password-1", "can_write": False},
                  {"username": "adminb", "password": "adminb-password-1", "is_admin": True}]
        self.step("put_users (4, only the last is returned)", lambda: norm_rows(admin.put_users(people)))
        self.step("put_users duplicate", lambda: norm_rows(admin.put_users(people[:1])))
        self.refresh(admin)
        self.step("get_users username ada", lambda: norm_rows(admin.get_users([{"username": "ada"}])))
        self.step("get_users LIKE %e%", lambda: norm_rows(admin.get_users([{"username": "%e%"}])))
        self.step("get_users all", lambda: norm_rows(admin.get_users()))
        ada = self.client("ada", "ada-password-1")
        emilie = self.client("emilie", "emilie-password-1")
        ro = self.client("rouser", "rouser-password-1")
        self.step("get_users as a read-only user", lambda: len(ro.get_users()))
        self.step("put_users as a read_write user", lambda: norm_rows(ada.put_users([{"username": "x", "password": "x-password-123"}])))

        # --- images -------------------------------------------------------------------------------------------
        self.step("put_images as a read-only user", lambda: len(ro.put_images(images[:1])))
        self.step("put_images (fixtures and samples)", lambda: norm_rows(admin.put_images(images + samples)))
        self.refresh(admin)
        self.step("put_images again (nothing new)", lambda: len(admin.put_images(images + samples)))
        existing = images[0]
        self.step("_put_new_images of an existing image",
                  lambda: norm_rows(admin._put_new_images({existing: md5_of[os.path.basename(existing)]})))
        wrong_md5 = [p for p in images if "5c173ff2" in p][0]
        one = [{"device": "0a5bb6f4", "datetime": "2020-06-20T20:19:15Z"}]
        one2022 = [{"device": "512858f4", "datetime": "2022-05-17T18:46:57Z"}]
        self.step("get_images metadata (legacy)", lambda: norm_rows(admin.get_images(one)))
        self.step("get_images metadata (2022)", lambda: norm_rows(admin.get_images(one2022)))
        every = [{"device": os.path.basename(p).split(".")[0],
                  "datetime": datetime.datetime.strptime(os.path.basename(p).split(".")[1], "%Y-%m-%d_%H-%M-%S")}
                 for p in images + samples]
        self.step("get_images metadata (every uploaded image)", lambda: norm_rows(admin.get_images(every)))
        for what in ("image", "thumbnail", "thumbnail-mini"):
            def by_url(what=what):
                rows = admin.get_images(every, what=what)
                for r in rows:
                    r["url"] = url_check(r, what, r["md5"])
                return norm_rows(rows)
            self.step("get_images %s + download every url" % what, by_url)
        self.step("get_images of a missing image", lambda: norm_rows(admin.get_images(
            [{"device": "0a5bb6f4", "datetime": "2021-01-01T00:00:00Z"}])))
        self.step("get_images unknown what", lambda: norm_rows(admin.get_images(one, what="nothing")))
        window = {"start_datetime": "2020-06-20T20:00:00Z", "end_datetime": "2020-06-20T21:15:27Z"}
        self.step("get_image_series 0a5bb6f4 half-open", lambda: norm_rows(admin.get_image_series([dict(device="0a5bb6f4", **window)])))
        self.step("get_image_series LIKE 0a5b% metadata", lambda: norm_rows(admin.get_image_series([dict(device="0a5b%", **window)])))
        all_window = [{"device": "%", "start_datetime": "2019-11-01T00:00:00Z", "end_datetime": "2030-01-01T00:00:00Z"}]
        for what in ("metadata", "image", "thumbnail", "thumbnail-mini"):
            def series(what=what):
                rows = admin.get_image_series(all_window, what=what)
                for r in rows:
                    r["url"] = url_check(r, what, r["md5"])
                return norm_rows(rows)
            self.step("get_image_series %% %s" % what, series)
        self.step("get_image_series as a read-only user", lambda: len(ro.get_image_series(all_window)))

        # --- UID annotations ----------------------------------------------------------------------------------
        annotated = [p for p in images if "5c173ff2" in p][0]
        item = {"annotations": [{"contour": [[[1, 2]], [[3, 4]], [[5, 6]]], "name": "insect", "fill_colour": "#ff0000",
                                 "stroke_colour": "#0000ff", "value": 0},
                                {"contour": [[[7, 8]], [[9, 10]], [[11, 12]]], "name": "insect", "value": 1}],
                "metadata": {"algo_name": "uid", "algo_version": "1598113346-ad2cd78dfaca12821046dfb8994724d5",
                             "device": "5c173ff2", "datetime": "2020-06-20_21-33-24", "md5": md5_of[os.path.basename(annotated)]}}
        item2 = json.loads(json.dumps(item))
        item2["metadata"].update(device="0a5bb6f4", datetime="2020-06-20T20:19:15Z", md5="725a7d5c7eee7ee15533ff1c45cab6de",
                                 algo_version="1598113346-ad2cd78dfaca12821046dfb8994724d5")
        item2["annotations"] = item2["annotations"][:1]
        self.step("put_uid_annotations (2 images)", lambda: norm_rows(admin.put_uid_annotations([item, item2])))
        self.step("put_uid_annotations again (duplicate)", lambda: norm_rows(admin.put_uid_annotations([item])))
        newer = json.loads(json.dumps(item))
        newer["metadata"]["algo_version"] = "1700000000-ad2cd78dfaca12821046dfb8994724d5"
        bad_md5 = json.loads(json.dumps(item))
        bad_md5["metadata"].update(algo_version="1800000000-x", md5="0" * 32)
        self.step("put_uid_annotations md5 mismatch", lambda: norm_rows(admin.put_uid_annotations([bad_md5])))
        orphan = json.loads(json.dumps(item))
        orphan["metadata"].update(device="0a5bb6f4", datetime="2020-01-01T00:00:00Z")
        self.step("put_uid_annotations missing parent image", lambda: norm_rows(admin.put_uid_annotations([orphan])))
        self.step("put_uid_annotations newer version", lambda: norm_rows(ada.put_uid_annotations([newer])))
        self.step("put_uid_annotations as a read-only user", lambda: norm_rows(ro.put_uid_annotations([newer])))
        ann_key = [{"device": "5c173ff2", "datetime": "2020-06-20T21:33:24Z"}]
        self.step("get_uid_annotations metadata", lambda: norm_rows(admin.get_uid_annotations(ann_key)))
        self.step("get_uid_annotations data", lambda: norm_rows(admin.get_uid_annotations(ann_key, what="data")))
        self.step("get_uid_annotations data json round-trips", lambda: sort_rows(
            [json.loads(r["json"]) for r in admin.get_uid_annotations(ann_key, what="data")]))
        self.step("get_uid_annotations of an image without any", lambda: norm_rows(admin.get_uid_annotations(one2022, what="data")))
        self.step("get_uid_annotations_series metadata", lambda: norm_rows(admin.get_uid_annotations_series(all_window)))
        self.step("get_uid_annotations_series data", lambda: norm_rows(admin.get_uid_annotations_series(all_window, what="data")))
        self.step("get_uid_annotations_series 0a5bb6f4 window", lambda: norm_rows(
            admin.get_uid_annotations_series([dict(device="0a5bb6f4", **window)])))
        self.step("get_images_with_uid_annotations_series (client join)", lambda: norm_rows(
            admin.get_images_with_uid_annotations_series([dict(device="%", start_datetime="2020-06-20T00:00:00Z",
                                                                end_datetime="2020-06-21T00:00:00Z")]), keep_order=True))
        self.step("get_images_with_uid_annotations_series nothing", lambda: plain(
            admin.get_images_with_uid_annotations_series([dict(device="ffffffff", **window)])))

        # --- images to annotate --------------------------------------------------------------------------------
        to_annotate = [{"algo_name": "uid", "algo_version": "1598113346-ad2cd78dfaca12821046dfb8994724d5",
                        "device": "%", "start_datetime": "2019-11-01T00:00:00Z", "end_datetime": "2030-01-01T00:00:00Z"}]
        handed = []

        def annotate_round(client, what="metadata"):
            rows = client.get_images_to_annotate(to_annotate, what=what)
            keys = sorted("%s.%s" % (r["device"], plain(r["datetime"])) for r in rows)
            overlap = len(set(keys) & set(handed))
            handed.extend(keys)
            shapes = sorted(set(json.dumps(sorted(r)) for r in rows))
            urls = [url_check(r, what, r["md5"]) for r in rows]
            return {"count": len(rows), "already_handed_out": overlap, "row_keys": [json.loads(s) for s in shapes],
                    "urls": sort_rows(urls) if what != "metadata" else sorted(set(urls))}
        total = len(images) + len(samples)
        self.step("get_images_to_annotate round 1", lambda: annotate_round(admin))
        self.step("get_images_to_annotate round 2 (thumbnail)", lambda: annotate_round(ada, "thumbnail"))
        rounds = max(0, (total - 1 - 16 + 7) // 8)
        for i in range(rounds):
            self.step("get_images_to_annotate round %d" % (i + 3), lambda: annotate_round(admin))
        self.step("get_images_to_annotate when all are reserved", lambda: annotate_round(admin))
        self.step("get_images_to_annotate: every image but the annotated one handed out once",
                  lambda: {"handed": len(handed), "distinct": len(set(handed)),
                           "annotated_one_handed": "5c173ff2.2020-06-20T21:33:24Z" in handed})
        self.step("get_images_to_annotate as a read-only user", lambda: len(ro.get_images_to_annotate(to_annotate)))

        # --- tiled tuboids and ITC labels ----------------------------------------------------------------------
        series_dir = os.path.join(a.fixtures, "tiled_tuboids", TUBOID_SERIES)
        tuboid_dirs = sorted(glob.glob(os.path.join(series_dir, TUBOID_SERIES + ".*")))
        self.step("put_tiled_tuboids as a read-only user", lambda: plain(ro.put_tiled_tuboids(tuboid_dirs[:1], SERIES_INFO)))
        self.step("put_tiled_tuboids (6)", lambda: (lambda out: Deferred(lambda: sort_rows([norm_rows_now(r) for r in out])))(
            admin.put_tiled_tuboids(tuboid_dirs, SERIES_INFO)))
        self.refresh(admin)
        self.step("put_tiled_tuboids again (series full)", lambda: plain(admin.put_tiled_tuboids(tuboid_dirs[:1], SERIES_INFO)))
        tub_q = [{"device": "08038ade", "start_datetime": "2020-07-08T20:00:00Z", "end_datetime": "2020-07-09T15:00:00Z"}]
        self.step("get_tiled_tuboid_series metadata", lambda: norm_rows(admin.get_tiled_tuboid_series(tub_q)))
        self.step("get_tiled_tuboid_series LIKE and extra keys", lambda: norm_rows(admin.get_tiled_tuboid_series(
            [dict(tub_q[0], device="0803%", n_tuboids=6)])))
        self.step("get_tiled_tuboid_series end before the series end", lambda: norm_rows(admin.get_tiled_tuboid_series(
            [dict(tub_q[0], end_datetime="2020-07-09T14:59:59Z")])))

        def tuboid_data():
            rows = admin.get_tiled_tuboid_series(tub_q, what="data")
            for r in rows:
                folder = os.path.join(series_dir, r["tuboid_id"])
                for part, name in (("tuboid", "tuboid.jpg"), ("context", "context.jpg"), ("metadata", "metadata.txt")):
                    data = fetch(r[part]) if r.get(part) else None
                    r[part] = "<GET failed>" if data is None else \
                        {"same_bytes_as_uploaded": data == open(os.path.join(folder, name), "rb").read()}
            return norm_rows(rows)
        self.step("get_tiled_tuboid_series data + download every file", tuboid_data)
        self.step("get_tiled_tuboid_series unknown what", lambda: norm_rows(admin.get_tiled_tuboid_series(tub_q, what="nothing")))
        tub_ids = sorted(os.path.basename(d) for d in tuboid_dirs)
        labels = [{"tuboid_id": tub_ids[0], "algo_name": "manual", "algo_version": "1", "label": 1, "pattern": "Insecta.*",
                   "type": "Insect", "order": "Diptera", "family": "Drosophilidae", "genus": "Drosophila"},
                  {"tuboid_id": tub_ids[1], "algo_name": "manual", "algo_version": "1", "label": 0, "pattern": ".*",
                   "type": "Background"}]
        self.step("put_itc_labels", lambda: norm_rows(ada.put_itc_labels(labels)))
        self.step("put_itc_labels duplicate", lambda: norm_rows(admin.put_itc_labels(labels[:1])))
        self.step("put_itc_labels unknown tuboid", lambda: norm_rows(admin.put_itc_labels([dict(labels[0], tuboid_id="nope.0000")])))
        self.step("put_itc_labels as a read-only user", lambda: norm_rows(ro.put_itc_labels([dict(labels[0], algo_version="2")])))
        self.step("_get_itc_labels", lambda: norm_rows(admin._get_itc_labels([{"tuboid_id": t} for t in tub_ids])))
        self.step("_get_itc_labels one tuboid", lambda: norm_rows(ro._get_itc_labels([{"tuboid_id": tub_ids[1]}])))
        self.step("get_tiled_tuboid_series_itc_labels (client join)", lambda: norm_rows(
            admin.get_tiled_tuboid_series_itc_labels(tub_q)))

        # --- ML bundles ------------------------------------------------------------------------------------
        bundle = "interop-bundle"
        src = os.path.join(self.work, "src", bundle)
        shutil.copytree(os.path.join(a.fixtures, "ml_bundle"), src)
        os.makedirs(os.path.join(src, "output"), exist_ok=True)
        with open(os.path.join(src, "output", "model_final.pth"), "wb") as f:  # stand-in model (absent from fixtures)
            f.write(hashlib.sha512(b"stand-in model").digest() * 4096)
        with open(os.path.join(src, "notes.md"), "w") as f:  # not an eligible suffix: never sent
            f.write("ignored")

        def upload_links_shape(rows):
            out = []
            for r in rows:
                r = dict(r)
                r["path"] = os.path.relpath(r["path"], src)
                r["mtime"] = "<float>" if isinstance(r.get("mtime"), float) else r.get("mtime")
                u = r.get("url")
                r["url"] = ("<post form: url + fields with key>" if isinstance(u, dict) and "url" in u and "key" in u.get("fields", {})
                            else "<unexpected: %r>" % (u,))
                out.append(r)
            return sort_rows(out)
        self.step("put_ml_bundle_dir (8 files)", lambda: upload_links_shape(admin.put_ml_bundle_dir(bundle, src)))
        self.step("put_ml_bundle_dir again (nothing)", lambda: upload_links_shape(admin.put_ml_bundle_dir(bundle, src)))

        def file_list(what, client=admin):
            rows = client._get_ml_bundle_file_list(bundle, what)
            out = []
            for r in rows:
                data = fetch(r["url"]) if r.get("url") else None
                out.append({"key": r["key"], "md5": r["md5"], "mtime": "<float>" if isinstance(r["mtime"], float) else r["mtime"],
                            "path_ends_with_key": str(r.get("path", "")).endswith(r["key"]),
                            "download_etag_matches": data is not None and _etag(data) == r["md5"],
                            "keys": sorted(r)})
            return sort_rows(out)
        for what in ("all", "data", "model"):
            self.step("_get_ml_bundle_file_list %s" % what, lambda what=what: file_list(what))
        self.step("_get_ml_bundle_file_list unknown bundle", lambda: plain(admin._get_ml_bundle_file_list("no-such-bundle", "all")))
        self.step("_get_ml_bundle_file_list as a read-only user", lambda: len(file_list("all", ro)))
        dst = os.path.join(self.work, "dst", bundle)
        os.makedirs(dst)

        def download(what):
            rows = admin.get_ml_bundle_dir(bundle, dst, what)
            return sorted(r["key"] for r in rows)
        for what in ("model", "data", "all"):
            self.step("get_ml_bundle_dir %s" % what, lambda what=what: download(what))

        def same_tree():
            def tree(root):
                return {os.path.relpath(os.path.join(d, f), root): hashlib.md5(open(os.path.join(d, f), "rb").read()).hexdigest()
                        for d, _, fs in os.walk(root) for f in fs if not f.endswith(".md")}
            return {"identical": tree(src) == tree(dst), "files": len(tree(dst))}
        self.step("get_ml_bundle_dir: the downloaded bundle equals the source", same_tree)

        # --- projects, permissions, series, columns ---------------------------------------------------------
        self.step("put_projects (admin)", lambda: norm_rows(admin.put_projects(
            [{"name": "project1"}, {"name": "project2", "description": "some project", "notes": "testing is caring"}])))
        self.step("put_projects (ada)", lambda: norm_rows(ada.put_projects([{"name": "project3"}, {"name": "project4"}])))
        self.refresh(admin)
        self.step("put_projects as a read-only user", lambda: norm_rows(ro.put_projects([{"name": "nope"}])))
        self.step("get_projects (ada: hers)", lambda: norm_rows(ada.get_projects()))
        self.step("get_projects (admin: all)", lambda: norm_rows(admin.get_projects([{}])))
        self.step("get_projects filter name", lambda: norm_rows(admin.get_projects([{"name": "project2"}])))
        self.step("get_projects (emilie: none yet)", lambda: norm_rows(emilie.get_projects()))
        users = {u["username"]: u["id"] for u in admin.get_users()}
        projects = {p["name"]: p["id"] for p in admin.get_projects()}
        p3 = projects.get("project3")
        self.step("put_project_permissions (ada grants emilie level 1)", lambda: norm_rows(
            ada.put_project_permissions([{"user_id": users["emilie"], "project_id": p3, "level": 1}])))
        self.step("put_project_permissions by emilie (level 1)", lambda: norm_rows(
            emilie.put_project_permissions([{"user_id": users["rouser"], "project_id": p3, "level": 1}])))
        self.step("get_projects (emilie: one)", lambda: norm_rows(emilie.get_projects()))
        self.step("get_project_permissions (ada)", lambda: norm_rows(ada.get_project_permissions()))
        self.step("get_project_permissions (emilie)", lambda: norm_rows(emilie.get_project_permissions([{}])))
        self.step("put_project_series (2 rows)", lambda: norm_rows(ada.put_project_series([
            {"project_id": p3, "device": "0123abcd", "start_datetime": "2021-01-01T12:12:12Z", "end_datetime": "2021-01-12T12:12:12Z"},
            {"project_id": p3, "device": "cdef1234", "start_datetime": "2021-01-01T12:12:14Z", "end_datetime": "2021-01-12T12:12:30Z"}])))
        self.step("put_project_series by emilie (level 1)", lambda: norm_rows(emilie.put_project_series([
            {"project_id": p3, "device": "0123abce", "start_datetime": "2021-01-01T12:12:12Z", "end_datetime": "2021-01-12T12:12:12Z"}])))
        self.step("get_project_series", lambda: norm_rows(ada.get_project_series([{"project_id": p3}])))
        self.step("get_project_series (emilie, level 1)", lambda: norm_rows(emilie.get_project_series([{"project_id": p3}])))
        self.step("put_project_columns add bait Integer", lambda: norm_rows(ada.put_project_columns(
            [{"project_id": p3, "column_name": "bait", "column_SQL_type": "Integer"}])))
        self.step("put_project_columns add trap_name CHAR(32)", lambda: norm_rows(ada.put_project_columns(
            [{"project_id": p3, "column_name": "trap_name", "column_SQL_type": "CHAR(32)"}])))
        self.step("put_project_columns rename bait -> has_bait", lambda: norm_rows(ada.put_project_columns(
            [{"project_id": p3, "column_name": "has_bait", "old_column_name": "bait"}])))
        self.step("get_project_series with columns", lambda: norm_rows(ada.get_project_series([{"project_id": p3}])))
        series_rows = {r["device"]: r["id"] for r in ada.get_project_series([{"project_id": p3}])}
        self.step("put_project_series update by id", lambda: norm_rows(ada.put_project_series([
            {"id": series_rows.get("0123abcd"), "device": "0123abcd", "start_datetime": "2021-01-01T12:12:12Z",
             "end_datetime": "2021-01-12T12:12:12Z", "has_bait": 1, "trap_name": "north", "project_id": p3}])))
        self.step("put_project_series duplicate", lambda: norm_rows(ada.put_project_series([
            {"project_id": p3, "device": "cdef1234", "start_datetime": "2021-01-01T12:12:14Z", "end_datetime": "2021-01-12T12:12:30Z"}])))
        self.step("delete_project_columns has_bait", lambda: norm_rows(ada.delete_project_columns(
            [{"project_id": p3, "column_name": "has_bait"}])))
        self.step("get_project_series after column delete", lambda: norm_rows(ada.get_project_series([{"project_id": p3}])))
        self.step("delete_project_series (first row)", lambda: norm_rows(ada.delete_project_series(
            [{"project_id": p3, "id": series_rows.get("0123abcd")}])))
        self.step("get_project_series after delete", lambda: norm_rows(ada.get_project_series([{"project_id": p3}])))
        self.step("delete_projects (emilie: none of hers)", lambda: norm_rows(emilie.delete_projects([{}])))
        self.step("delete_projects (ada: hers)", lambda: norm_rows(ada.delete_projects([{}])))
        self.step("get_projects after delete (admin)", lambda: norm_rows(admin.get_projects()))
        self.step("get_project_permissions after delete (admin)", lambda: norm_rows(admin.get_project_permissions()))

        # --- deletes ----------------------------------------------------------------------------------------
        self.step("delete_tiled_tuboids as a read_write user", lambda: norm_rows(ada.delete_tiled_tuboids(tub_q)))
        self.step("delete_tiled_tuboids", lambda: norm_rows(admin.delete_tiled_tuboids(tub_q)))
        self.step("get_tiled_tuboid_series after delete", lambda: norm_rows(admin.get_tiled_tuboid_series(tub_q)))
        self.step("_get_itc_labels after delete", lambda: norm_rows(admin._get_itc_labels([{"tuboid_id": t} for t in tub_ids])))
        self.step("delete_images as a read_write user", lambda: norm_rows(ada.delete_images(ann_key)))
        self.step("delete_images (one annotated image)", lambda: norm_rows(admin.delete_images(ann_key)))
        self.step("get_uid_annotations after image delete", lambda: norm_rows(admin.get_uid_annotations(ann_key)))
        self.step("delete_images (rows of a series)", lambda: norm_rows(admin.delete_images(
            admin.get_image_series([dict(device="0a5bb6f4", **window)]))))
        self.step("get_image_series after deletes", lambda: norm_rows(admin.get_image_series(all_window)))
        self.step("put_images after deletes (re-uploads only the deleted)", lambda: len(admin.put_images(images + samples)))
        self.step("delete_users emilie", lambda: norm_rows(admin.delete_users([{"username": "emilie"}])))
        self.step("delete_users: the deleted user's token is refused", lambda: len(emilie.get_projects()))
        self.step("get_users after delete", lambda: norm_rows(admin.get_users()))
        self.refresh(admin)
        return [resolve(rec) for rec in self.steps]


def _etag(data):
    chunks = [data[i:i + ML_CHUNK] for i in range(0, len(data), ML_CHUNK)]
    if not chunks:
        return ""
    if len(chunks) == 1:
        return hashlib.md5(data).hexdigest()
    return "%s-%d" % (hashlib.md5(b"".join(hashlib.md5(c).digest() for c in chunks)).hexdigest(), len(chunks))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--admin-user", required=True)
    ap.add_argument("--admin-password", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--samples")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    s = Scenario(a)
    try:
        steps = s.run()
    finally:
        shutil.rmtree(s.work, ignore_errors=True)
    # the client's whole surface, so the tests can tell a method the scenario does not exercise
    methods = sorted(m for m in dir(RemoteClient) if callable(getattr(RemoteClient, m)) and not m.startswith("__")
                     and m not in ("local_dir",) and not m.startswith("_default"))
    with open(a.out, "w") as f:
        json.dump({"steps": steps, "client_methods": methods}, f, indent=1, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
