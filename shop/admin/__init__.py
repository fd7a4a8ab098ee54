"""The back office: dashboard, products and stock, categories, orders, checkout settings. For admins only.

Every page here passes one check, `admins_only` (shop/admin/routes.py, where the blueprint is
made): an anonymous visitor is sent to log in, a shopper is refused with 403.
"""
