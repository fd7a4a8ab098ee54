# The shop on waitress: Python slim, a non-root user, a health check on /healthz.
# Build: docker build -t shop .   Run: see compose.yaml and docs/DEPLOY.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY wsgi.py .
COPY shop/ shop/
COPY templates/ templates/
COPY static/ static/

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin shop
USER shop

# Listen on every interface inside the container; production refuses to start without SECRET_KEY
# and SHOP_BASE_URL (the origin of every absolute URL: canonical links, the sitemap, e-mails).
ENV HOST=0.0.0.0 \
    PORT=8000 \
    SHOP_ENV=production
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]

CMD ["python", "wsgi.py"]
