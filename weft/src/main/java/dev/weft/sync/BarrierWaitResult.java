package dev.weft.sync;

/**
 * What {@link Barrier#arriveAndWait()} completes with: whether this task was the leader of its
 * generation (Tokio's {@code BarrierWaitResult}). Exactly one task of each generation
 * is the leader: the one whose arrival released the others.
 */
public final class BarrierWaitResult {
    static final BarrierWaitResult LEADER = new BarrierWaitResult(true);
    static final BarrierWaitResult FOLLOWER = new BarrierWaitResult(false);

    private final boolean leader;

    private BarrierWaitResult(boolean leader) {
        this.leader = leader;
    }

    /** Whether this task was the leader of its generation: true for exactly one task of each. */
    public boolean isLeader() {
        return leader;
    }

    @Override
    public String toString() {
        return leader ? "BarrierWaitResult[leader]" : "BarrierWaitResult[follower]";
    }
}
