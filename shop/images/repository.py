"""Where images live: their bytes in GridFS (`images.files` and `images.chunks`), one file
per stored width; their descriptions in their product's document, which only the products
package writes (products.image_repository), so this repository asks it for the list.
"""
from bson import ObjectId
from gridfs.errors import CorruptGridFile, NoFile

from ..db import files
from ..ids import object_id
from ..products.image_repository import ImageListRepository

BUCKET = "images"


class ImageRepository:
    """An image's files; the product's list of images is the products' to read and write."""

    def __init__(self, db):
        self.lists = ImageListRepository(db)
        self.files = files(db, BUCKET)

    def variant_ids(self, product_id):
        return self.lists.variant_ids(product_id)

    def list_of(self, product_id):
        return self.lists.list_of(product_id)

    def replace_list(self, product_id, seen_seq, images):
        return self.lists.replace_list(product_id, seen_seq, images)

    def new_id(self):
        return str(ObjectId())

    def store_file(self, data, media_type, digest):
        """Keep one file's bytes; its id (a string)."""
        file_id = ObjectId()
        self.files.put(data, _id=file_id, metadata={"media_type": media_type, "digest": digest})
        return str(file_id)

    def delete_files(self, file_ids):
        for file_id in file_ids:
            self.files.delete(ObjectId(file_id))

    def read_file(self, file_id):
        """(bytes, media type, digest) of a stored file, or None."""
        oid = object_id(file_id)
        if oid is None:
            return None
        try:
            stored = self.files.get(oid)
            return stored.read(), stored.metadata["media_type"], stored.metadata["digest"]
        except (NoFile, CorruptGridFile):  # never stored, or deleted while it was read
            return None
