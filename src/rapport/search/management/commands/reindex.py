"""`rapport reindex`: rebuild the search index from the data, with a progress bar per kind."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from rapport.search import index
from rapport.search.sources import SOURCES


class Command(BaseCommand):
    help = "Rebuild the search index (tickets, messages, customers, articles)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kinds", nargs="*", metavar="kind",
            help=f"only these kinds ({', '.join(SOURCES)}); all by default",
        )
        parser.add_argument(
            "--keep", action="store_true",
            help="update documents in place instead of clearing each kind first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = options["kinds"] or list(SOURCES)
        unknown = sorted(set(kinds) - set(SOURCES))
        if unknown:
            raise CommandError(f"unknown kind {', '.join(unknown)}; known: {', '.join(SOURCES)}")
        quiet = options["verbosity"] == 0
        for kind in kinds:
            total = sum(len(ids) for ids in SOURCES[kind].all_ids())
            with tqdm(total=total, desc=f"{kind:>8}", unit=" docs", disable=quiet,
                      file=self.stderr._out) as bar:
                counts = index.reindex(
                    [kind], clear=not options["keep"],
                    progress=lambda _kind, n: bar.update(n),
                )
            if not quiet:
                self.stdout.write(f"{kind}: {counts[kind]} indexed")
