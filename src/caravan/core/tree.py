"""Materialised-path trees (regions, organisations).

Each row keeps `path` = "/<root id>/…/<own id>/", so "this node and
everything below it" is one indexed prefix query instead of a recursive walk.
"""

from django.db import models
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


class TreeNode(models.Model):
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        abstract = True

    def subtree_filter(self, prefix: str = "") -> models.Q:
        return models.Q(**{f"{prefix}path__startswith": self.path})

    @property
    def depth(self) -> int:
        """How many ancestors the node has: 0 at the top (a country, a root organisation)."""
        return len(self.ancestor_ids())

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]


def tree_check_parent(node: TreeNode, parent: TreeNode | None, *, field: str = "parent") -> None:
    """Refuse a parent that is the node itself or one of its descendants."""
    if parent is None or node.pk is None:
        return
    if parent.pk == node.pk or (node.path and parent.path.startswith(node.path)):
        raise ValidationFailed.field(field, _("This would make a cycle: a node cannot sit below itself."), code="cycle")


def tree_save_path(node: TreeNode) -> None:
    """Compute the node's path after it has a primary key, and move its subtree with it."""
    parent = getattr(node, "parent", None)
    new_path = f"{parent.path if parent else '/'}{node.pk}/"
    old_path = node.path
    if new_path == old_path:
        return
    type(node).objects.filter(pk=node.pk).update(path=new_path)
    if old_path:
        # Rewrite descendants in one UPDATE: replace the old prefix with the new one.
        type(node).objects.filter(path__startswith=old_path).exclude(pk=node.pk).update(
            path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
        )
    node.path = new_path
