"""Categories and the tree they make: the rules (how deep, no loops) live here.

A `CategoryTree` is built from every stored category. It is what pages and
answers read (children, ancestors for breadcrumbs, descendants for the product
filter) and what a change is checked against before it is made. It reads any
stored state as a tree: a category whose parent is gone is shown at the top,
and a loop (which the change log in the repository never lets through) would
be broken there too, so no page can hang on bad data.
"""
from dataclasses import dataclass, field
from datetime import datetime

MAX_DEPTH = 5  # levels, a top-level category counting as the first
MAX_PER_PRODUCT = 10  # categories one product may be in


@dataclass(eq=False)  # one object per stored category: compared by identity
class Category:
    id: str
    slug: str
    name: str
    description: str
    parent_id: str
    created_at: datetime
    updated_at: datetime
    children: list = field(default_factory=list)  # filled in by CategoryTree, in name order


def _order(category):
    return (category.name.casefold(), category.id)


class CategoryTree:
    """Every category, linked to its parent and children."""

    def __init__(self, categories):
        self.by_id = {category.id: category for category in categories}
        self.by_slug = {category.slug: category for category in categories}
        self.parent = {}  # id -> the parent id as shown (None at the top)
        self.roots = []
        for category in categories:
            category.children = []
        for category in sorted(categories, key=lambda c: c.id):
            if category.id not in self.parent:
                self._place(category)
        for category in self.by_id.values():
            category.children.sort(key=_order)
        self.roots.sort(key=_order)

    def _place(self, category):
        """Link `category` under its parent, placing the parent first; a missing parent,
        or one that leads back to this category, puts it at the top."""
        chain, seen, current = [], set(), category
        while current is not None and current.id not in self.parent and current.id not in seen:
            chain.append(current)
            seen.add(current.id)
            current = self.by_id.get(current.parent_id)
        top = chain[-1]
        if current is None or current.id in seen:  # an orphan, or a loop: its first category goes on top
            self.parent[top.id] = None
            self.roots.append(top)
            chain.pop()
        for child in reversed(chain):
            self.parent[child.id] = self.by_id[child.parent_id].id
            self.by_id[child.parent_id].children.append(child)

    def find(self, id_or_slug):
        return self.by_id.get(id_or_slug) or self.by_slug.get(id_or_slug)

    def ancestors(self, category):
        """From the top-level category down to `category`'s parent (for breadcrumbs)."""
        found, parent = [], self.parent.get(category.id)
        while parent is not None:
            found.append(self.by_id[parent])
            parent = self.parent[parent]
        return found[::-1]

    def depth(self, category):
        return len(self.ancestors(category)) + 1

    def height(self, category):
        """Levels from `category` down to its deepest descendant, itself counting as one."""
        return 1 + max((self.height(child) for child in category.children), default=0)

    def descendant_ids(self, category):
        """`category`'s id and those of every category below it."""
        found, waiting = [], [category]
        while waiting:
            current = waiting.pop()
            found.append(current.id)
            waiting.extend(current.children)
        return found

    def in_order(self):
        """(category, depth) for every category, each followed by its children: a list to show."""
        found, waiting = [], [(root, 1) for root in reversed(self.roots)]
        while waiting:
            category, depth = waiting.pop()
            found.append((category, depth))
            waiting.extend((child, depth + 1) for child in reversed(category.children))
        return found

    def move_problem(self, category, parent_id):
        """Why `category` (None for a new one) cannot go under `parent_id`, or None when it can."""
        if parent_id is None:
            return None
        parent = self.by_id.get(parent_id)
        if parent is None:
            return "Choose a parent category that exists, or none to make it a top-level category."
        if category is not None and (parent.id == category.id or parent.id in self.descendant_ids(category)):
            return ("Choose another parent: a category cannot be placed under itself or under one of its own "
                    "subcategories.")
        levels = self.height(category) if category is not None else 1
        if self.depth(parent) + levels > MAX_DEPTH:
            return f"Choose a parent higher up: categories go at most {MAX_DEPTH} levels deep."
        return None

    def possible_parents(self, category=None):
        """(category, depth) of every category that `category` (None: a new one) may go under."""
        return [(candidate, depth) for candidate, depth in self.in_order()
                if self.move_problem(category, candidate.id) is None]

    def delete_problem(self, category, product_count):
        """Why `category` cannot be deleted, or None."""
        if category.children:
            return f"{category.name} has subcategories: move or delete them first."
        if product_count:
            products = "1 product" if product_count == 1 else f"{product_count} products"
            return (f"{category.name} still has {products} (archived ones count too): "
                    "take them out of this category first.")
        return None
