"""The text table `make bench-shapes` prints from its results (bench/shape_run.py)."""

from __future__ import annotations

from typing import Any

CLIENT_COUNTS = (1, 8, 32)


def table(results: dict[str, Any]) -> str:
    clients = " | ".join(f"{c} client{'s' * (c > 1)}" for c in CLIENT_COUNTS)
    lines = [f"| shape | workers | {clients} | p95 ms at 32 (ours / PostGraphile) |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for row in results["shapes"]:
        ratios = [f"{row[f'ratio_{c}']:.2f}" if f"ratio_{c}" in row else "-" for c in CLIENT_COUNTS]
        p95 = f"{row['ours_p95_32']:.1f} / {row.get('peer_p95_32', float('nan')):.1f}"
        lines.append(
            f"| {row['shape']} | {row.get('workers', 1)} | " + " | ".join(ratios) + f" | {p95} |"
        )
    for row in results["payments"]:
        if "clients" in row:
            lines.append(f"payments {row['backend']}, {row['workers']} worker(s), "
                         f"{row['clients']} clients: "
                         f"{row['payments_per_s']:.0f}/s, p95 {row['p95_ms']:.0f} ms")  # fmt: skip
        else:
            lines.append(f"books balance on {row['backend']} after {row['workers']} worker(s): "
                         f"{row['books_balance']}")  # fmt: skip
    if "cold_start" in results:
        c = results["cold_start"]
        lines.append(f"cold start to first answer: {c['ours_s']:.2f} s, "
                     f"{c.get('ratio', float('nan')):.2f}x PostGraphile's")  # fmt: skip
    if "rss" in results:
        r = results["rss"]
        lines.append(f"RSS over {r['requests']:,} requests: {r['rss_before_kib'] / 1024:.1f} MiB "
                     f"-> {r['rss_after_kib'] / 1024:.1f} MiB")  # fmt: skip
    return "\n".join(lines)
