"""Property: any sequence of move/reorder operations orders the queue like a plain list would."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfsuite.core.types import SourceKind
from hfsuite.storage import MoveDirection, TaskRepository, TaskSpec, open_database

N = 6


@dataclass(frozen=True)
class Op:
    """One queue operation on task indices 0..N-1."""

    kind: str  # a MoveDirection value, "before" or "reorder"
    task: int = 0
    target: int | None = None
    chosen: tuple[int, ...] = ()

    def apply_to_model(self, model: list[int]) -> None:
        if self.kind == "reorder":
            slots = sorted(model.index(x) for x in self.chosen)
            for slot, x in zip(slots, self.chosen, strict=True):
                model[slot] = x
            return
        i = model.index(self.task)
        if self.kind == "before":
            if self.target != self.task:
                model.remove(self.task)
                where = len(model) if self.target is None else model.index(self.target)
                model.insert(where, self.task)
        elif self.kind == MoveDirection.UP and i > 0:
            model[i - 1], model[i] = model[i], model[i - 1]
        elif self.kind == MoveDirection.DOWN and i < len(model) - 1:
            model[i + 1], model[i] = model[i], model[i + 1]
        elif self.kind == MoveDirection.TOP:
            model.insert(0, model.pop(i))
        elif self.kind == MoveDirection.BOTTOM:
            model.append(model.pop(i))

    def apply_to_db(self, tasks: TaskRepository, ids: list[int]) -> None:
        if self.kind == "reorder":
            tasks.reorder([ids[k] for k in self.chosen])
        elif self.kind == "before":
            tasks.move_before(ids[self.task], None if self.target is None else ids[self.target])
        else:
            tasks.move(ids[self.task], MoveDirection(self.kind))


index = st.integers(0, N - 1)
operation = st.one_of(
    st.builds(Op, st.sampled_from([d.value for d in MoveDirection]), index),
    st.builds(Op, st.just("before"), index, st.none() | index),
    st.builds(Op, st.just("reorder"), chosen=st.permutations(range(N)).map(lambda p: tuple(p[:3]))),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, max_size=25))
def test_queue_order_matches_a_list_model(ops: list[Op]) -> None:
    db = open_database("sqlite://")
    try:
        with db.write() as uow:
            ids = uow.tasks.add_many(
                [TaskSpec(SourceKind.HUGGINGFACE, "/d", repo_id=f"o/{i}") for i in range(N)]
            )
        model = list(range(N))
        with db.write() as uow:
            for op in ops:
                op.apply_to_model(model)
                op.apply_to_db(uow.tasks, ids)
        with db.read() as uow:
            order = [t.id for t in uow.tasks.list_queue()]
        assert order == [ids[k] for k in model]
    finally:
        db.close()
