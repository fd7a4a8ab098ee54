"""A product's list of images in its document (`images`, in order, with `images_seq` as the
version every change checks): the only writer of those two fields, as ProductRepository is of
the rest of `products`.

A product's list is one field of one document, so a change to it (add, move, describe,
remove) is one conditional write: two admins at once never lose each other's change, the
later one retries on what the first made.
"""
from ..ids import object_id
from .images import Image, Rendition
from .variant_repository import VariantRepository


def images_from_doc(doc):
    """A product document's images, in order, as models."""
    return [_image(entry, position) for position, entry in enumerate(doc.get("images") or [])]


def _image(entry, position):
    return Image(
        id=entry["id"], alt=entry["alt"], width=entry["width"], height=entry["height"], format=entry["format"],
        created_at=entry["created_at"], variant_id=entry.get("variant_id"), position=position,
        renditions=[Rendition(**rendition) for rendition in entry["renditions"]],
    )


def _entry(image):
    return {
        "id": image.id, "alt": image.alt, "width": image.width, "height": image.height, "format": image.format,
        "created_at": image.created_at, "variant_id": image.variant_id,
        "renditions": [vars(rendition).copy() for rendition in image.renditions],
    }


class ImageListRepository:
    def __init__(self, db):
        self.products = db.products
        self.variants = VariantRepository(db)

    def variant_ids(self, product_id):
        """The ids of the product's variants, archived ones too (an image may show any)."""
        oid = object_id(product_id)
        return [str(doc["_id"]) for doc in self.variants.docs_of([oid]).get(str(oid), [])]

    def list_of(self, product_id):
        """(the product's images, the version read), or None when there is no such product."""
        oid = object_id(product_id)
        doc = self.products.find_one({"_id": oid}, {"images": 1, "images_seq": 1}) if oid else None
        if doc is None:
            return None
        return images_from_doc(doc), doc.get("images_seq", 0)

    def replace_list(self, product_id, seen_seq, images):
        """Store `images` as the product's list if it is still at version `seen_seq`."""
        # A product no image was ever added to has no `images_seq`: `None` matches it.
        changed = self.products.update_one(
            {"_id": object_id(product_id), "images_seq": seen_seq or None},
            {"$set": {"images": [_entry(image) for image in images], "images_seq": seen_seq + 1}},
        )
        return changed.modified_count == 1
