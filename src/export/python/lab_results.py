"""The lab's result files: `isometry-lab-runs` for a configuration's runs, `isometry-lab-sweep`
(src/sweep/types.ts SweepResultFile) for a sweep or one shard of it, labelled with where they ran;
and the merge of a sharded sweep's parts into the file one machine writes.
"""
import datetime
import json
import math
import platform
import sys

import numpy as np
import torch

from lab_config import RunnerError, runner_axis_spec, runner_sweep_query
from lab_sweep import runner_tau_rule
from lab_training import runner_finite


# ----------------------------------------------------------------------------------------------
# Result files.


def runner_engine(context):
    device = context.device
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or platform.machine()
    return {
        "name": "pytorch",
        "version": torch.__version__,
        "device": str(device),
        "deviceName": name,
        "precision": context.precision,
        "threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def runner_backend(engine):
    where = engine["device"] + (f" ({engine['deviceName']})" if engine["device"].startswith("cuda") else "")
    precision = "" if engine["precision"] == "fp32" else f", {engine['precision']}"
    return f"pytorch {engine['version'].split('+')[0]} · {where}{precision}"


def runner_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def runner_json(value):
    """JSON with NaN and infinities as null (JSON has none), two-space indented as the lab writes."""

    def clean(v):
        if isinstance(v, float):
            return v if math.isfinite(v) else None
        if isinstance(v, (np.floating,)):
            return runner_finite(float(v))
        if isinstance(v, (np.integer,)):
            return int(v)
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v

    return json.dumps(clean(value), indent=2, ensure_ascii=False) + "\n"


def runner_write(path, value):
    text = runner_json(value)
    if path == "-":
        sys.stdout.write(text)
        return
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def runner_sweep_file(config, sweep, params, export, engine, points, curves, complete, seconds, created, shard):
    file = {
        "format": "isometry-lab-sweep",
        "version": 1,
        "labVersion": export["labVersion"],
        "createdAt": created,
        "backend": runner_backend(engine),
        "engine": engine,
        "experiment": sweep.get("experiment"),
        "query": runner_sweep_query(config, sweep, params),
        "config": config,
        "over": [runner_axis_spec(axis, params) for axis in sweep["axes"]],
        "measure": sweep["measure"],
        "threshold": {
            "metric": config["lm"],
            "value": config["thr"],
            "rule": runner_tau_rule(config["lm"], config["thr"], config["steps"]),
        },
        "steps": config["steps"],
        "points": points,
        "curves": curves,
        "complete": complete,
        "seconds": seconds,
    }
    if shard is not None:
        file["shard"] = shard
    return file


def runner_merge(paths):
    """Joins the parts of a sharded sweep into the file the whole sweep writes on one machine."""
    parts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                part = json.load(f)
        except (OSError, ValueError) as error:
            raise RunnerError(f"--merge {path}: {error}") from None
        if part.get("format") != "isometry-lab-sweep" or not isinstance(part.get("shard"), dict):
            raise RunnerError(f"--merge {path}: not a part of a sweep written with --shard")
        parts.append((path, part))
    first_path, first = parts[0]
    count = first["shard"]["count"]
    seen = {}
    for path, part in parts:
        for key in ("query", "config", "measure", "steps"):
            if part[key] != first[key]:
                raise RunnerError(f"--merge {path}: its {key} differs from {first_path}'s: not parts of one sweep")
        if part["shard"]["count"] != count or part["shard"]["gridSize"] != first["shard"]["gridSize"]:
            raise RunnerError(f"--merge {path}: a part of {part['shard']['count']}, not of {count}")
        index = part["shard"]["index"]
        if index in seen:
            raise RunnerError(f"--merge: {path} and {seen[index]} are both part {index}/{count}")
        seen[index] = path
    missing = [str(k) for k in range(1, count + 1) if k not in seen]
    if missing:
        raise RunnerError(f"--merge: part {', '.join(missing)} of {count} missing")
    grid = [None] * first["shard"]["gridSize"]
    for _, part in parts:
        curves = {curve["point"]: curve for curve in part["curves"]}
        for local, (point, index) in enumerate(zip(part["points"], part["shard"]["pointIndices"])):
            curve = curves.get(local)
            grid[index] = (point, None if curve is None else {k: v for k, v in curve.items() if k != "point"})
    points, curves = [], []
    for entry in grid:
        if entry is None:
            continue
        point, curve = entry
        if curve is not None:
            curves.append({"point": len(points), **curve})
        points.append(point)
    backends = list(dict.fromkeys(part["backend"] for _, part in parts))
    merged = {k: v for k, v in first.items() if k != "shard"}
    merged.update(
        createdAt=min(part["createdAt"] for _, part in parts),
        backend=" + ".join(backends),
        points=points,
        curves=curves,
        # A part is never complete on its own (it holds a share of the grid); the parts together are.
        complete=len(points) == len(grid),
        seconds=sum(part["seconds"] for _, part in parts),
        mergedFrom=[
            {"part": part["shard"]["index"], "backend": part["backend"], "seconds": part["seconds"], "createdAt": part["createdAt"]}
            for _, part in sorted(parts, key=lambda p: p[1]["shard"]["index"])
        ],
    )
    return merged
