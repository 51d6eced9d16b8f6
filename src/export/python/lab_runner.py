"""The program's command line: options, device, precision, then the configuration's runs (an
`isometry-lab-runs` file) or the sweep's grid, whole or one shard of it (an `isometry-lab-sweep`
file), or the merge of a sharded sweep's parts.
"""
import argparse
import os
import sys
import time

import torch

from lab_data import LabDataError
from lab_config import RunnerError, runner_check_config, runner_check_sweep, runner_check_value, runner_parse_setting, runner_query
from lab_training import RUNNER_RUNS_EVAL_EXAMPLES, RUNNER_SAMPLING_NOTE, RunnerContext, runner_train_runs
from lab_sweep import RUNNER_DEFAULT_STACK, runner_grid, runner_programs, runner_train_program
from lab_results import runner_backend, runner_engine, runner_merge, runner_now, runner_sweep_file, runner_write


class RunnerArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise RunnerError(message)


def runner_arguments(argv, program, sweep):
    parser = RunnerArgumentParser(
        prog=program,
        description="Trains the lab's networks of CONFIG"
        + (" over SWEEP's grid" if sweep else "")
        + " and writes the lab's result file.",
    )
    parser.add_argument("--steps", type=int, help="training steps of every run (CONFIG's steps otherwise)")
    parser.add_argument("--out", help="result file (default: <program>.result.json; - for stdout)")
    parser.add_argument("--device", default="auto", help="auto (CUDA when there is a GPU) | cpu | cuda | cuda:N | mps")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "tf32", "bf16", "fp64"],
                        help="fp32 (the lab's, default) | tf32 (CUDA matmuls) | bf16 (autocast) | fp64")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="change a CONFIG value, checked against the lab's limits (e.g. --set N=1600)")
    parser.add_argument("--shard", metavar="K/N", help="run the K-th of N parts of the sweep (a Slurm array index)")
    parser.add_argument("--merge", nargs="+", metavar="PART", help="join the parts written with --shard, then stop")
    parser.add_argument("--stack", type=int, help=f"runs per stacked program (default up to {RUNNER_DEFAULT_STACK})")
    parser.add_argument("--data", help="folder of the lab's MNIST files (mnist.json and its .u8 files)")
    parser.add_argument("--every", type=int, help="runs: evaluate on held-out data every k steps (default steps/20)")
    parser.add_argument("--eval", type=int, help="runs: held-out examples per evaluation (default 1000)")
    parser.add_argument("--threads", type=int, help="CPU threads for torch (default: every core)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser.parse_args(argv)


def runner_shard(text):
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise RunnerError(f"--shard {text}: write K/N, e.g. --shard 1/4") from None
    if n < 1 or not 1 <= k <= n:
        raise RunnerError(f"--shard {text}: K must be 1 … N, and N at least 1")
    return k, n


def runner_device(text):
    if text == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(text)
    except RuntimeError:
        raise RunnerError(f"--device {text}: expected auto, cpu, cuda, cuda:N or mps") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RunnerError(f"--device {text}: this PyTorch sees no CUDA device (use --device cpu)")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise RunnerError(f"--device {text}: there are {torch.cuda.device_count()} CUDA devices")
    if device.type == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise RunnerError(f"--device {text}: MPS is not available here")
    if device.type not in ("cpu", "cuda", "mps"):
        raise RunnerError(f"--device {text}: expected auto, cpu, cuda, cuda:N or mps")
    return device


def runner_data_dir(requested, export, program_path):
    if requested:
        return requested
    candidates = [
        os.environ.get("ISOMETRY_DATA"),
        export.get("dataDir"),
        os.path.join(os.path.dirname(os.path.abspath(program_path)), "data"),
        os.path.join(os.getcwd(), "data"),
    ]
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "mnist.json")):
            return folder
    return next((c for c in candidates if c), "data")


def runner_main(argv, config, sweep, export, params):
    program = os.path.basename(sys.argv[0]) or "run.py"
    started = time.time()
    try:
        args = runner_arguments(argv, program, sweep)
        if args.merge:
            out = args.out or "-"
            merged = runner_merge(args.merge)
            runner_write(out, merged)
            print(f"{program}: merged {len(args.merge)} parts, {len(merged['points'])} points"
                  + ("" if out == "-" else f" → {out}"), file=sys.stderr)
            return 0
        config = dict(config)
        for setting in args.set:
            key, value = runner_parse_setting(setting, params)
            config[key] = value
        if args.steps is not None:
            config["steps"] = runner_check_value("steps", args.steps, params, "--steps")
        config = runner_check_config(config, params)
        sweep = runner_check_sweep(sweep, params, export.get("sweepValues"))
        if args.shard and sweep is None:
            raise RunnerError("--shard splits a sweep's grid; this program trains one configuration's runs")
        if args.stack is not None and args.stack < 1:
            raise RunnerError(f"--stack {args.stack}: at least 1 run per program")
        if args.every is not None and args.every < 1:
            raise RunnerError(f"--every {args.every}: at least 1")
        if args.eval is not None and args.eval < 1:
            raise RunnerError(f"--eval {args.eval}: at least 1")
        if (args.every is not None or args.eval is not None) and sweep is not None:
            raise RunnerError("--every and --eval go with a configuration's runs; a sweep evaluates as the lab's does")
        shard = runner_shard(args.shard) if args.shard else None
        device = runner_device(args.device)
        if args.precision == "tf32" and device.type != "cuda":
            raise RunnerError("--precision tf32 is for CUDA devices")
        if args.threads is not None:
            if args.threads < 1:
                raise RunnerError(f"--threads {args.threads}: at least 1")
            torch.set_num_threads(args.threads)
        elif device.type == "cpu":
            torch.set_num_threads(os.cpu_count() or 1)
        # The lab's float32 numbers: no TF32 matmuls unless asked for.
        torch.backends.cuda.matmul.allow_tf32 = args.precision == "tf32"
        torch.backends.cudnn.allow_tf32 = args.precision == "tf32"
        stem = os.path.splitext(program)[0]
        out = args.out or (f"{stem}.part{shard[0]}of{shard[1]}.json" if shard else f"{stem}.result.json")
        if out != "-":
            runner_check_writable(out)
        context = RunnerContext(device, args.precision, runner_data_dir(args.data, export, sys.argv[0]), args.quiet)
        created = runner_now()
        if sweep is None:
            every = args.every or max(1, config["steps"] // 20)
            eval_examples = args.eval or RUNNER_RUNS_EVAL_EXAMPLES
            task, records = runner_train_runs(config, context, every, eval_examples)
            engine = runner_engine(context)
            runner_write(out, {
                "format": "isometry-lab-runs",
                "version": 1,
                "labVersion": export["labVersion"],
                "createdAt": created,
                "backend": runner_backend(engine),
                "engine": engine,
                "query": runner_query(config, params),
                "config": config,
                "task": task,
                "steps": config["steps"],
                "every": every,
                "evalExamples": min(eval_examples, context.dataset(config).test_count),
                "sampling": RUNNER_SAMPLING_NOTE,
                "runs": records,
                "complete": True,
                "seconds": time.time() - started,
            })
            summary = f"{len(records)} runs x {config['steps']} steps"
        else:
            points = runner_grid(config, sweep)
            programs = runner_programs(points, args.stack)
            chosen = [i for i in range(len(programs)) if shard is None or i % shard[1] == shard[0] - 1]
            if shard and not chosen:
                print(f"{program}: part {shard[0]}/{shard[1]} has no work: the grid makes {len(programs)} stacked "
                      f"programs (use a smaller --stack)", file=sys.stderr)
            results = {}
            for n, index in enumerate(chosen):
                label = f"program {n + 1}/{len(chosen)}"
                for point_index, result in zip(programs[index], runner_train_program(programs[index], points, sweep, context, label)):
                    results[point_index] = result
            order = sorted(results)
            shard_info = None if shard is None else {
                "index": shard[0], "count": shard[1], "gridSize": len(points), "pointIndices": order,
            }
            engine = runner_engine(context)
            runner_write(out, runner_sweep_file(
                config, sweep, params, export, engine,
                [results[i]["point"] for i in order],
                [{"point": local, **results[i]["curve"]} for local, i in enumerate(order)],
                shard is None, time.time() - started, created, shard_info,
            ))
            summary = f"{len(order)} of {len(points)} grid points in {len(chosen)} stacked programs"
        print(f"{program}: {summary} in {time.time() - started:.1f} s on {runner_backend(engine)}"
              + ("" if out == "-" else f" → {out}"), file=sys.stderr)
        return 0
    except RunnerError as error:
        print(f"{program}: {error}", file=sys.stderr)
        return 2
    except LabDataError as error:
        # A program downloaded from a served lab knows where that lab keeps the files.
        url = export.get("dataUrl")
        print(f"{program}: {error}" + (f", or download mnist.json and its .u8 files from {url}" if url else ""),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{program}: stopped", file=sys.stderr)
        return 130


def runner_check_writable(path):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RunnerError(f"--out {path}: the folder {folder} does not exist")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise RunnerError(f"--out {path}: not writable")
    if not os.access(folder, os.W_OK):
        raise RunnerError(f"--out {path}: the folder {folder} is not writable")
