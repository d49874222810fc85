"""Creates the table, bucket, queues and mail identity if missing; prints the resulting STINT_* environment."""

from devstack.resources import ensure_all

if __name__ == "__main__":
    for key, value in ensure_all().items():
        print(f"{key}={value}")
