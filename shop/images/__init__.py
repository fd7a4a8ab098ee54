"""Product images: upload, order and describe them (API and back office), served under /media/."""
