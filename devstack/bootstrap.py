"""Creates the table, bucket, queues and mail identity if missing."""

from devstack.resources import ensure_all

if __name__ == "__main__":
    ensure_all()
