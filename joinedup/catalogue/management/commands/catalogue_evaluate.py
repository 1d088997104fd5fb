from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from joinedup.catalogue.evaluation import evaluate, read_labelled

LABELLED = Path(settings.BASE_DIR) / "joinedup" / "catalogue" / "tests"


class Command(BaseCommand):
    help = "Print need-matching top-1 and top-3 accuracy on the labelled resident phrasings."

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            default=[
                str(LABELLED / "need_phrasings.csv"),
                str(LABELLED / "need_phrasings_holdout.csv"),
                str(LABELLED / "need_phrasings_validation.csv"),
                str(LABELLED / "need_phrasings_test.csv"),
            ],
        )
        parser.add_argument(
            "--misses", action="store_true", help="list the phrasings missed at top-1"
        )

    def handle(self, *args, files: list[str], misses: bool, **opts):
        for name in files:
            path = Path(name)
            if not path.exists():
                raise CommandError(f"{path}: no such file")
            result = evaluate(read_labelled(path))
            self.stdout.write(
                f"{path.name}: {result.total} phrasings, top-1 {result.top1_rate:.1%} "
                f"({result.top1}), top-3 {result.top3_rate:.1%} ({result.top3})"
            )
            if misses:
                for text, expected, ranked in result.misses:
                    self.stdout.write(
                        f"  {text!r}: expected {expected}, got {', '.join(ranked) or '-'}"
                    )
