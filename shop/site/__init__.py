"""The site's frame: home page, sitemap, robots.txt, and what every template shares."""
