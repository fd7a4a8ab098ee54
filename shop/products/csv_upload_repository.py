"""`csv_imports`: a checked CSV file, kept for an hour until its admin confirms it.

The dry run stores the file's text (never the plan: the confirm plans again
against the catalogue as it is then). Confirming claims it with one conditional
update, so a double click or two tabs apply a file once.
"""
from datetime import timedelta

from bson import ObjectId
from pymongo import ReturnDocument

from ..ids import object_id

KEPT_FOR = timedelta(hours=1)
CHECKED, APPLYING, APPLIED, REFUSED = "checked", "applying", "applied", "refused"


class UploadRepository:
    def __init__(self, db):
        self.uploads = db.csv_imports

    def save(self, actor_id, filename, text, now):
        """Keep a checked file; returns its id."""
        doc = {"_id": ObjectId(), "actor_id": actor_id, "filename": filename, "text": text, "status": CHECKED,
               "created_at": now, "expires_at": now + KEPT_FOR}
        self.uploads.insert_one(doc)
        return str(doc["_id"])

    def claim(self, upload_id, actor_id, now):
        """The file's text if this admin's checked file is still waiting, now marked as being
        applied; None when it is unknown, someone else's, applied already or expired."""
        oid = object_id(upload_id)
        if oid is None:
            return None
        doc = self.uploads.find_one_and_update(
            {"_id": oid, "actor_id": actor_id, "status": CHECKED, "expires_at": {"$gt": now}},
            {"$set": {"status": APPLYING, "claimed_at": now}}, return_document=ReturnDocument.AFTER,
        )
        return doc["text"] if doc else None

    def finish(self, upload_id, status, now):
        self.uploads.update_one({"_id": object_id(upload_id)}, {"$set": {"status": status, "finished_at": now}})
