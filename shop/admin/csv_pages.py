"""Back-office CSV: the catalogue exported as one row per variant, and imported back
by SKU in two steps: a dry run that lists every row's errors and what would change,
writing nothing to the catalogue, then a confirm that applies the checked file."""
from flask import Response, render_template
from flask_login import current_user

from ..categories.repository import CategoryRepository
from ..clock import utcnow
from ..db import get_db
from ..input_rules import upload_limit
from ..products import csv_apply, csv_file, csv_import
from ..products.csv_upload_repository import APPLIED, REFUSED, UploadRepository
from ..products.forms import ConfirmImportForm, ImportForm
from ..products.repository import LedgerRepository, ProductRepository
from .routes import bp

FORM_OVERHEAD = 64 * 1024  # the CSRF token and the multipart boundaries around the file
GONE = "This file was applied already, or was checked more than an hour ago: upload it again."


@bp.get("/products/export.csv")
def export_products():
    """Every variant of every product, archived ones too, as a CSV attachment."""
    db = get_db()
    rows = csv_file.export_rows(*csv_import.catalogue(ProductRepository(db), CategoryRepository(db)))
    return Response(csv_file.write(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="products-{utcnow():%Y-%m-%d}.csv"'})


@bp.route("/products/import", methods=["GET", "POST"])
@upload_limit(csv_file.MAX_BYTES + FORM_OVERHEAD)
def import_products():
    """Check an uploaded file: every row's errors, or what it would change and a button
    to apply it. Only the file is kept (an hour, for the confirm); the catalogue is not touched."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form)
    if form.file.data is None or not form.file.data.filename:
        form.file.errors = ["Choose a CSV file to upload."]
        return _page(form)
    try:
        text = csv_file.decode(form.file.data.read(csv_file.MAX_BYTES + 1))
        plan = _plan(text)
    except csv_file.Refused as error:
        form.file.errors = [error.message]
        return _page(form)
    confirm = None
    if plan.changes and not plan.errors:
        upload_id = UploadRepository(get_db()).save(current_user.id, form.file.data.filename, text, utcnow())
        confirm = ConfirmImportForm(formdata=None, upload_id=upload_id)
    return _page(form, plan=plan, confirm=confirm)


@bp.post("/products/import/confirm")
def confirm_import():
    """Apply a checked file, planned again against the catalogue as it is now."""
    form, uploads = ConfirmImportForm(), UploadRepository(get_db())
    text = uploads.claim(form.upload_id.data, current_user.id, utcnow()) if form.validate_on_submit() else None
    if text is None:
        return _page(ImportForm(formdata=None), status=409, problem=GONE)
    plan = _plan(text)
    if plan.errors:  # the catalogue changed since the check (a slug taken, a category deleted)
        uploads.finish(form.upload_id.data, REFUSED, utcnow())
        return _page(ImportForm(formdata=None), plan=plan, changed=True)
    db = get_db()
    failures = csv_apply.apply(plan, ProductRepository(db), LedgerRepository(db), CategoryRepository(db),
                               current_user.id, utcnow())
    uploads.finish(form.upload_id.data, APPLIED, utcnow())
    return _page(ImportForm(formdata=None), plan=plan, applied=True, failures=failures)


def _plan(text):
    db = get_db()
    rows = [csv_file.typed_row(number, cells, extra) for number, cells, extra in csv_file.read_table(text)]
    return csv_import.plan(ProductRepository(db), CategoryRepository(db), rows)


def _page(form, plan=None, status=None, **shown):
    if status is None:
        status = 422 if (plan is not None and plan.errors) else form.status()
    return render_template("admin/import.html", form=form, plan=plan, columns=csv_file.COLUMNS,
                           max_rows=csv_file.MAX_ROWS, **shown), status
