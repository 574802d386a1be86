"""Real clients of each protocol against the running service (#13): the OAI-PMH harvester Sickle
harvests everything through resumption tokens, then incrementally with `from`, and sees a removal
as a deleted record; feedparser reads the Atom feeds (and an account's private alerts feed) without errors; the relaton package's models
read the Relaton YAML and JSON; python-odata reads `$metadata` and queries the entity set; jsonschema validates the feed's records against the served JSON
Schema, and lxml the native OAI records against the served XSD. Stops at the first failure.

Usage: check.py BASE_URL ADMIN PASSWORD
"""

import json
import pathlib
import sys
import time

import feedparser
import jsonschema
import requests
import yaml
from lxml import etree
from odata import ODataService
from relaton.models.bibdata import BibliographicItem
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

BASE, ADMIN, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]
# The records of the embedded seed catalogue, which the service starts with, less those its
# removals take out (they remain as deleted records).
DATA = pathlib.Path(__file__).resolve().parents[2] / "standards-data"
REMOVED = {json.loads(line)["code"] for line in (DATA / "removals.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
SEED_RECORDS = [
    record
    for record in (json.loads(line) for line in (DATA / "catalogue.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())
    if record["code"] not in REMOVED
]
SEED = len(SEED_RECORDS)
SEED_QCVN = sum(1 for record in SEED_RECORDS if record["kind"] == "QCVN")


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAIL: {message}")
    print(f"ok: {message}")


def admin_token():
    answer = requests.post(f"{BASE}/api/v1/auth/login", json={"username": ADMIN, "password": PASSWORD}, timeout=30)
    answer.raise_for_status()
    return answer.json()["access_token"]


def oai_whole_harvest():
    sickle = Sickle(f"{BASE}/oai", max_retries=2, timeout=30)
    identify = sickle.Identify()
    check(identify.deletedRecord == "persistent", "Identify: deleted records are persistent")
    check(identify.granularity == "YYYY-MM-DDThh:mm:ssZ", "Identify: seconds granularity")
    formats = [f.metadataPrefix for f in sickle.ListMetadataFormats()]
    check(formats == ["oai_dc", "tieuchuan"], f"ListMetadataFormats: {formats}")
    sets = [s.setSpec for s in sickle.ListSets()]
    check({"kind", "kind:qcvn", "issuer:BXD", "field:construction"} <= set(sets), f"ListSets: {len(sets)} sets")
    records = [r for r in sickle.ListRecords(metadataPrefix="oai_dc") if not r.header.deleted]
    identifiers = {r.header.identifier for r in records}
    check(len(records) == SEED and len(identifiers) == SEED, f"ListRecords oai_dc through resumption tokens: {len(records)}")
    titles = [r.metadata.get("title", [None])[0] for r in records]
    check(all(titles), "every oai_dc record has a dc:title")
    regulations = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="kind:qcvn"))
    check(len([r for r in regulations if not r.deleted]) == SEED_QCVN, f"ListIdentifiers set=kind:qcvn: {len(regulations)}")
    one = sickle.GetRecord(identifier="oai:tieuchuan.gov.vn:qcvn-06-2022-bxd", metadataPrefix="oai_dc")
    check("QCVN 06:2022/BXD" in one.metadata["identifier"], "GetRecord oai_dc")


def native_records_validate():
    schema = etree.XMLSchema(etree.fromstring(requests.get(f"{BASE}/oai/tieuchuan.xsd", timeout=30).content))
    sickle = Sickle(f"{BASE}/oai", timeout=30)
    count = 0
    for record in sickle.ListRecords(metadataPrefix="tieuchuan"):
        if record.header.deleted:
            continue
        native = record.xml.find(".//{https://tieuchuan.gov.vn/ns/record/1}record")
        if not schema.validate(native):
            raise SystemExit(f"FAIL: {record.header.identifier}: {schema.error_log}")
        count += 1
    check(count == SEED, f"every native record validates against /oai/tieuchuan.xsd: {count}")


def feed_records_validate():
    schema = requests.get(f"{BASE}/api/v1/schema/record.json", timeout=30).json()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    after, count = 0, 0
    while True:
        page = requests.get(f"{BASE}/api/v1/changes", params={"after": after}, timeout=30).json()
        for entry in page["entries"]:
            if entry["record"] is not None:
                errors = sorted(validator.iter_errors(entry["record"]), key=str)
                if errors:
                    raise SystemExit(f"FAIL: entry {entry['seq']}: {errors[0]}")
                count += 1
        if not page["entries"]:
            break
        after = page["next_after"]
    check(count >= SEED, f"every feed record validates against /api/v1/schema/record.json: {count}")


def relaton_reads():
    one = yaml.safe_load(requests.get(f"{BASE}/api/v1/relaton/qcvn-06-2022-bxd", timeout=30).text)
    item = BibliographicItem(**one)
    check(item.docid[0].id == "QCVN 06:2022/BXD" and item.docid[0].type == "QCVN", "relaton reads one item's YAML")
    obsoletes = [r for r in item.relation or [] if r.type == "obsoletes"]
    check(obsoletes and obsoletes[0].bibitem.docid[0].id == "QCVN 06:2021/BXD", "its relation obsoletes QCVN 06:2021/BXD")
    bulk = requests.get(f"{BASE}/api/v1/relaton", params={"format": "json"}, timeout=60).json()
    items = [BibliographicItem(**data) for data in bulk]
    check(len(items) == len(bulk) and len(items) >= SEED - 1, f"relaton reads the bulk JSON: {len(items)} items")
    bulk_yaml = yaml.safe_load(requests.get(f"{BASE}/api/v1/relaton", timeout=60).text)
    check(len([BibliographicItem(**data) for data in bulk_yaml]) == len(items), "and the bulk YAML")


def atom_reads(expect_deleted):
    for query in ["", "?field=fire_safety", "?kind=QCVN&issuer=BXD"]:
        feed = feedparser.parse(f"{BASE}/feeds/changes.atom{query}")
        check(not feed.bozo, f"feedparser reads /feeds/changes.atom{query} without errors")
        check(feed.version == "atom10" and len(feed.entries) > 0, f"  an Atom 1.0 feed with {len(feed.entries)} entries")
    whole = feedparser.parse(f"{BASE}/feeds/changes.atom")
    pages, seen = 1, len(whole.entries)
    while True:
        following = [link.href for link in whole.feed.links if link.rel == "next"]
        if not following:
            break
        whole = feedparser.parse(following[0])
        check(not whole.bozo, f"  page {pages + 1} reads")
        pages, seen = pages + 1, seen + len(whole.entries)
    check(seen >= SEED - 1, f"the RFC 5005 next links reach every change: {seen} entries on {pages} pages")
    if expect_deleted:
        raw = requests.get(f"{BASE}/feeds/changes.atom", timeout=30).content
        tree = etree.fromstring(raw)
        deleted = tree.findall("{http://purl.org/atompub/tombstones/1.0}deleted-entry")
        refs = [entry.get("ref") for entry in deleted]
        check(refs and refs[0].endswith("standard/tcvn-9362-2012"), f"the removal is an RFC 6721 deleted entry, the newest: {refs}")


def oai_incremental_harvest():
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    time.sleep(1.1)
    token = admin_token()
    headers = {"Authorization": f"Bearer {token}"}
    csv = "code,title_vi\nTCVN 14994:2026,Kính xây dựng - Phương pháp thử\n"
    answer = requests.post(f"{BASE}/api/v1/imports", data=csv.encode(), headers={**headers, "Content-Type": "text/csv"}, timeout=60)
    check(answer.status_code == 200, f"an admin imports a record: {answer.status_code}")
    answer = requests.delete(f"{BASE}/api/v1/standards/tcvn-9362-2012", params={"reason": "a duplicate record"}, headers=headers, timeout=30)
    check(answer.status_code == 200, f"an admin removes a record: {answer.status_code}")
    sickle = Sickle(f"{BASE}/oai", timeout=30)
    changed = list(sickle.ListRecords(metadataPrefix="oai_dc", **{"from": since}))
    by_id = {r.header.identifier: r for r in changed}
    check(set(by_id) == {"oai:tieuchuan.gov.vn:tcvn-14994-2026", "oai:tieuchuan.gov.vn:tcvn-9362-2012"}, f"an incremental harvest from {since} sees what changed: {sorted(by_id)}")
    check(by_id["oai:tieuchuan.gov.vn:tcvn-9362-2012"].header.deleted, "  and the removal as a deleted record")
    check(not by_id["oai:tieuchuan.gov.vn:tcvn-14994-2026"].header.deleted, "  and the new record as a record")
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 5))
    try:
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": later}))
        raise SystemExit("FAIL: a harvest from the future found records")
    except NoRecordsMatch:
        check(True, "a harvest from the future is noRecordsMatch")


def watch_the_new_series():
    headers = {"Authorization": f"Bearer {admin_token()}"}
    answer = requests.post(f"{BASE}/api/v1/me/watches", json={"series": "TCVN 14994"}, headers=headers, timeout=30)
    check(answer.status_code == 201, f"an account watches the series TCVN 14994: {answer.status_code}")


def private_feed_reads():
    headers = {"Authorization": f"Bearer {admin_token()}"}
    deadline = time.time() + 30
    while requests.get(f"{BASE}/api/v1/me/notifications", headers=headers, timeout=30).json()["total"] < 1:
        check(time.time() < deadline, "the new edition is notified within 30 s")
        time.sleep(0.2)
    url = requests.post(f"{BASE}/api/v1/me/alerts/feed", headers=headers, timeout=30).json()["url"]
    feed = feedparser.parse(BASE + url[url.index("/feeds/alerts/"):])
    check(not feed.bozo and feed.version == "atom10", "feedparser reads the private alerts feed without errors")
    titles = [entry.title for entry in feed.entries]
    check(titles and titles[0].startswith("Danh mục có thêm TCVN 14994:2026"), f"  with the notification: {titles}")
    check(feed.entries[0].link.endswith("/tieu-chuan/tcvn-14994-2026"), f"  linking the standard: {feed.entries[0].link}")
    requests.delete(f"{BASE}/api/v1/me/alerts/feed", headers=headers, timeout=30)
    gone = feedparser.parse(BASE + url[url.index("/feeds/alerts/"):])
    check(gone.get("status") == 404, f"  and revoked, its address is gone: {gone.get('status')}")


def odata_queries():
    service = ODataService(f"{BASE}/odata/", reflect_entities=True)
    check(list(service.entities) == ["Standards"], "python-odata reads $metadata: the entity set Standards")
    Standard = service.entities["Standards"]
    everything = service.query(Standard).all()
    check(len(everything) == SEED, f"  and follows the server's next links through every standard: {len(everything)}")
    recent = service.query(Standard).filter(Standard.kind == "QCVN").filter(Standard.year >= 2020).order_by(Standard.year.desc()).all()
    years = [s.year for s in recent]
    check(recent and all(s.kind == "QCVN" for s in recent) and years == sorted(years, reverse=True), f"  $filter with and, ge, eq and $orderby desc: {len(recent)}")
    fire = service.query(Standard).filter(Standard.title_vi.contains("cháy") | Standard.code.startswith("ĐLVN")).all()
    check(fire and all("cháy" in s.title_vi or s.code.startswith("ĐLVN") for s in fire), f"  contains, startswith and or: {len(fire)}")
    first = service.query(Standard).order_by(Standard.code.asc()).limit(5).all()
    check([s.code for s in first] == sorted(s.code for s in first) and len(first) == 5, "  $top and $orderby asc")
    one = service.query(Standard).get("qcvn-06-2022-bxd")
    check(one.code == "QCVN 06:2022/BXD", "  one standard by its key")


def main():
    oai_whole_harvest()
    native_records_validate()
    feed_records_validate()
    relaton_reads()
    atom_reads(expect_deleted=False)
    watch_the_new_series()
    oai_incremental_harvest()
    atom_reads(expect_deleted=True)
    private_feed_reads()
    odata_queries()
    print("all clients passed")


if __name__ == "__main__":
    main()
