"""`make bench`: every benchmark, printed as one table."""

from bench import auth_calls, cold_import, dynamodb_calls, route_calls, stack_latency, time_report_scale


def main() -> None:
    rows = [
        *cold_import.run(),
        *dynamodb_calls.run(),
        *route_calls.run(),
        *stack_latency.run(),
        *auth_calls.run(),
        *time_report_scale.timer_rows(),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'measure'.ljust(width)} | value | target")
    for name, value, target in rows:
        print(f"{name.ljust(width)} | {value} | {target}")


if __name__ == "__main__":
    main()
