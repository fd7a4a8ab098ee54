"""MongoDB ids as the API shows them: 24-character hex strings."""
from bson import ObjectId


def object_id(value):
    """The ObjectId that `value` spells, or None when it spells none."""
    if isinstance(value, str) and len(value) == 24 and ObjectId.is_valid(value):
        return ObjectId(value)
    return None
