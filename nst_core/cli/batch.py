"""``nst batch``: many pictures from the shell, resumable, on this machine or a Ray cluster.

    nst batch PHOTOS... --styles S1 [S2 ...] -o OUTDIR [--style-weight 1 3 10] [--manifest jobs.csv]
              [--engine local|ray] [--address HOST:PORT]

Every StyleOptions field is a flag, as in ``nst``; given several values it is swept (one
job per value, every combination of the swept flags). Only translates arguments into jobs
(:mod:`nst_core.batch`) and runs them; exit status 0 when every job is done (now or before),
1 when any failed (the batch goes on past them), 2 for input refused before any work (a
missing style, a bad manifest row, a bad option), 130 when stopped by Ctrl-C, SIGTERM or
SIGHUP (after the job under way; a second one stops that job too).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..batch.jobs import Job
from ..errors import NSTError, OptionError
from ..options import StyleOptions, option_fields
from .command import EXIT_INTERRUPTED, LazyProgressBar, Parser, interrupts_held, load_tensorflow, run_command
from .flags import add_option_flags

PROG = "nst batch"
#: File of the batch's report in the output folder: every job's outcome and the summary.
REPORT_NAME = "batch-report.txt"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nst batch``: photos, styles, output folder, engine, and every option (sweepable)."""
    parser = Parser(
        prog=PROG,
        description="Stylise many photos with many styles and option values; resumable: a rerun does only"
        " the jobs left. Every option flag takes several values to sweep (one job per combination).",
        epilog="examples:\n"
        "  nst batch photos/ --styles images/starry_night.jpg images/the_scream.jpg -o out/ --size 256\n"
        "  nst batch 'photos/*.jpg' --styles images/shipwreck.jpg -o out/ --style-weight 1 3 10\n"
        "  nst batch --manifest jobs.csv -o out/ --engine ray --address auto\n"
        "exit status: 0 all done, 1 some jobs failed (see the report), 2 refused before any work,"
        " 130 interrupted (rerun to resume)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("photos", nargs="*", help="photo files, folders of photos, or glob patterns ('photos/*.jpg')")
    parser.add_argument(
        "--styles", nargs="+", default=[], metavar="STYLE", help="style images; each makes its own job per photo"
    )
    parser.add_argument(
        "-o", "--output-dir", required=True, metavar="OUTDIR", help="folder (or fsspec URL) for results"
    )
    parser.add_argument(
        "--manifest", metavar="FILE", help="jobs as CSV or JSON Lines: columns content, style and any option"
    )
    run = parser.add_argument_group("engine")
    run.add_argument("--engine", choices=("local", "ray"), default="local", help="where jobs run (default: local)")
    run.add_argument("--address", help="Ray cluster address (ray://host:10001, host:6379 or auto; default: start one)")
    run.add_argument("--workers", type=int, metavar="N", help="Ray workers (default: one per GPU, else per core)")
    run.add_argument(
        "--worker-cpus", type=float, default=1.0, metavar="C", help="cores per Ray worker without GPUs (default: 1)"
    )
    run.add_argument(
        "--no-quality", action="store_true", help="do not measure style and content distance into the records"
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar or per-job lines")
    add_option_flags(parser, option_fields())
    for action in parser._actions:  # a single-valued option takes several values: a sweep
        if action.dest in _FIELD_NAMES and action.nargs is None:
            action.nargs = "+"
            _SWEPT.add(action.dest)
    return parser


#: StyleOptions fields, in declaration order (so sweeps nest in that order).
_FIELD_NAMES = [field.name for field, _ in option_fields()]
#: The fields whose flag takes several values to sweep (all but switches and weight lists).
_SWEPT: set[str] = set()


def options_and_sweeps(args: argparse.Namespace) -> tuple[StyleOptions, dict[str, list[Any]]]:
    """The options set once, and the swept ones (field name -> values), from parsed arguments.

    A flag given on the command line holds a list of its values (one or more); one not
    given holds its default.
    """
    once: dict[str, Any] = {}
    sweeps: dict[str, list[Any]] = {}
    for name in _FIELD_NAMES:
        value = getattr(args, name)
        if name in _SWEPT and isinstance(value, list):
            if len(value) > 1:
                sweeps[name] = value
                continue
            value = value[0]
        once[name] = tuple(value) if isinstance(value, list) else value
    return StyleOptions(**once), sweeps


def make_jobs(args: argparse.Namespace) -> list[Job]:
    """Every job the arguments ask for (checked before any work: OptionError/ImageError, exit 2)."""
    from ..batch import expand, find_photos, manifest_jobs, sweep
    from ..image.io import load_image

    if not args.photos and not args.manifest:
        raise OptionError("give photos (files, folders or patterns) and --styles, or a --manifest")
    if args.photos and not args.styles:
        raise OptionError("give the style images with --styles")
    base, sweeps = options_and_sweeps(args)
    option_sets = sweep(base, sweeps)
    jobs = []
    if args.photos:
        photos = find_photos(args.photos)
        for style in args.styles:  # a bad style fails now, not once per photo
            load_image(style)
        _refuse_writing_into_photo_folders(args.output_dir, photos)
        jobs += expand(photos, [[s] for s in args.styles], option_sets)
    if args.manifest:
        for options in option_sets:
            jobs += manifest_jobs(args.manifest, options)
    unique = {job.key: job for job in jobs}
    return list(unique.values())


def _refuse_writing_into_photo_folders(location: str, photos: Sequence[str]) -> None:
    """Refuse an output folder that holds photos of the batch: the next run would take the results as photos."""
    output_dir = Path(location).expanduser()
    if "://" in location or not output_dir.is_dir():
        return
    for photo in photos:
        folder = Path(photo).parent
        if folder.is_dir() and os.path.samefile(folder, output_dir):
            raise OptionError(f"{output_dir}: holds the photos of this batch; choose another output folder")


def run(args: argparse.Namespace) -> int:
    """Run the batch the parsed arguments ask for; returns the exit status."""
    from ..batch import Report, Store, split_done

    if args.workers is not None and args.workers < 1:
        raise OptionError(f"--workers must be at least 1, got {args.workers}")
    if args.worker_cpus <= 0:
        raise OptionError(f"--worker-cpus must be more than 0, got {args.worker_cpus}")
    jobs = make_jobs(args)
    store = Store(args.output_dir)
    store.check()
    to_run, done = split_done(store, jobs)
    report = Report(total=len(jobs))
    from ..batch.report import SKIPPED, Outcome

    for job in done:
        report.add(Outcome(job, SKIPPED, path=store.path(job.name)))
    if not to_run:
        print(f"{PROG}: nothing to do: all {len(jobs)} jobs were done before (in {args.output_dir})", file=sys.stderr)
        print(report.summary())
        return 0
    skipped = f", {len(done)} done before (skipped)" if done else ""
    print(f"{PROG}: {len(jobs)} jobs: {len(to_run)} to run{skipped}; engine {args.engine}", file=sys.stderr)
    engine = _engine(args)
    bar = LazyProgressBar(len(to_run), "picture", args.quiet)
    try:
        with interrupts_held() as held:

            def stop_requests() -> int:
                if held and not report.interrupted:
                    report.interrupted = True
                    bar.bar.write(
                        f"{PROG}: stopping after the job(s) under way (press Ctrl-C again to stop now)", file=sys.stderr
                    )
                return len(held)

            for outcome in engine(to_run, store, stop_requests):
                report.add(outcome)
                if not args.quiet:
                    bar.bar.write(f"{PROG}: {outcome.line()}", file=sys.stderr)
                bar.bar.update(1)
            stop_requests()
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        bar.close()
    _write_report(store, report)
    print(report.summary())
    if report.interrupted and report.left:
        print(f"{PROG}: interrupted; {report.left} jobs left: rerun the same command to do them", file=sys.stderr)
        return EXIT_INTERRUPTED
    if report.failed:
        print(
            f"{PROG}: {len(report.failed)} of {len(jobs)} jobs failed; reasons in the summary and in"
            f" {store.path(REPORT_NAME)}",
            file=sys.stderr,
        )
    return report.exit_status


def _engine(args: argparse.Namespace):
    """``engine(jobs, store, stop_requests)``, yielding outcomes: the local one or the Ray one."""
    quality = not args.no_quality
    if args.engine == "ray":
        from ..batch.ray_engine import RayEngine

        # a cluster that cannot be started or reached is one NSTError line (nst_core.cluster.connect)
        return RayEngine(args.address, workers=args.workers, worker_cpus=args.worker_cpus, quality=quality).run
    load_tensorflow()
    from ..batch.local import run_local

    return lambda jobs, store, stop_requests: run_local(jobs, store, quality=quality, stop_requests=stop_requests)


def _write_report(store: Any, report: Any) -> None:
    """The report file in the output folder: one line per job, then the summary (best effort)."""
    text = "\n".join([o.line() for o in report.outcomes] + ["", report.summary(), ""])
    try:
        store.write(REPORT_NAME, text.encode())
    except NSTError as err:
        print(f"{PROG}: warning: report not written: {err}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nst batch``; returns the exit status (see the module's docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_command(build_parser, run, argv, prog=PROG)


if __name__ == "__main__":
    sys.exit(main())
