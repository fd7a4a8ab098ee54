"""Back-office categories: the tree, new, edit (name, slug, parent, description), delete (in two steps)."""
from flask import flash, redirect, render_template, request, url_for

from ..categories import services
from ..categories.forms import CategoryForm
from ..categories.repository import CategoryRepository
from ..categories.schemas import CategoryCreateSchema, CategoryUpdateSchema
from ..clock import utcnow
from ..db import get_db
from ..errors import Conflict, InvalidInput, NotFound
from ..forms import keeps_typed_input
from ..products.repository import ProductRepository
from .routes import bp
from .confirmations import two_steps


def _repositories():
    db = get_db()
    return CategoryRepository(db), ProductRepository(db)


@bp.get("/categories")
def categories():
    """Every category, as a tree, with its product count."""
    categories_repository, products = _repositories()
    tree = services.tree(categories_repository)
    counts = {category.id: products.count_in_category(category.id) for category, _ in tree.in_order()}
    return render_template("admin/categories.html", entries=tree.in_order(), counts=counts)


@bp.route("/categories/new", methods=["GET", "POST"])
@keeps_typed_input
def new_category():
    """Add a category, at the top or under a parent."""
    form = CategoryForm()
    form.set_parents(services.tree(CategoryRepository(get_db())).possible_parents())
    if form.validate_on_submit() and (data := form.load(CategoryCreateSchema(), form.schema_data())):
        try:
            category = services.create_category(*_repositories(), data, utcnow())
        except (Conflict, InvalidInput) as error:
            form.show_error(error)
        else:
            flash(f"{category.name} is added.", "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_form.html", form=form, category=None), form.status()


@bp.route("/categories/<id:category_id>/edit", methods=["GET", "POST"])
@keeps_typed_input
def edit_category(category_id):
    """Change a category's name, slug, parent or description."""
    category, tree = services.get_category(CategoryRepository(get_db()), category_id)
    form = CategoryForm(formdata=None, **_editable(category)) if request.method == "GET" else CategoryForm()
    form.set_parents(tree.possible_parents(category))
    if form.validate_on_submit() and (changes := form.load(CategoryUpdateSchema(), form.schema_data())):
        try:
            category = services.update_category(*_repositories(), category_id, changes, utcnow())
        except (Conflict, InvalidInput) as error:
            form.show_error(error)
        else:
            flash(f"{category.name} is saved.", "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_form.html", form=form, category=category), form.status()


def _editable(category):
    return {"name": category.name, "slug": category.slug, "parent_id": category.parent_id or "",
            "description": category.description}


@bp.route("/categories/<id:category_id>/delete", methods=["GET", "POST"])
def delete_category(category_id):
    """Delete a category, after a step saying what will happen; one with subcategories or
    products stays, and the step says why before anyone tries."""
    categories_repository, products = _repositories()
    category, tree = services.get_category(categories_repository, category_id)
    problem = tree.delete_problem(category, products.count_in_category(category.id))

    def delete():
        try:
            services.delete_category(categories_repository, products, category_id, utcnow())
        except (Conflict, NotFound) as error:
            flash(error.message, "error")
        else:
            flash(f"{category.name} is deleted.", "info")
        return url_for("admin.categories")

    return two_steps("admin/delete_category.html", delete, "Yes, delete", url_for("admin.categories"),
                     category=category, problem=problem)
