"""A code's uses below HTTP: an order that asks again for a use keeps its one, even once the
code is used up, and never takes a second slot."""
import pytest
from bson import ObjectId

from shop.clock import utcnow
from shop.discounts.model import DiscountCode
from shop.discounts.use_repository import DiscountUseRepository, UsedUp


def code(max_uses=None, per_customer=None):
    now = utcnow()
    return DiscountCode(id=str(ObjectId()), code="ONCE", kind="percent", value=1000, currency=None, min_subtotal=0,
                        starts_at=None, ends_at=None, max_uses=max_uses, max_uses_per_customer=per_customer,
                        active=True, uses=0, created_at=now, updated_at=now)


@pytest.mark.parametrize("limits", [{}, {"max_uses": 1}, {"per_customer": 1}, {"max_uses": 2, "per_customer": 1}])
def test_an_order_asking_again_keeps_its_one_use_and_a_used_up_code_refuses_the_next(db, limits):
    uses, once, order = DiscountUseRepository(db), code(**limits), ObjectId()
    uses.take(once, order, "ada@example.com", utcnow())
    uses.take(once, order, "ada@example.com", utcnow())  # the same order again: no error, no second use
    assert db.discount_uses.count_documents({"code_id": ObjectId(once.id)}) == 1
    if limits:
        with pytest.raises(UsedUp):
            uses.take(once, ObjectId(), "ada@example.com", utcnow())
        assert db.discount_uses.count_documents({"code_id": ObjectId(once.id)}) == 1
    else:
        uses.take(once, ObjectId(), "ada@example.com", utcnow())
        assert db.discount_uses.count_documents({"code_id": ObjectId(once.id)}) == 2
