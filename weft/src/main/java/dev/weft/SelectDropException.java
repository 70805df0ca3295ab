package dev.weft;

/**
 * A select whose winning branch was ready, but dropping a losing branch threw.
 *
 * <p>A select drops its losers before the winner's handler runs, so when a loser's
 * {@link Future#drop()} throws, the handler does not run and the select fails. The
 * winner's value is not lost with it: it is kept here, with the winning branch's
 * index, for the caller to hand on (a message received by the winning branch, for
 * instance). The cause is the first drop failure; later ones are suppressed in it.
 * A drop that throws an {@link Error} (out of memory, a stack overflow) is not
 * wrapped: the select rethrows that error as it is, and the winner's value is lost
 * with it.
 *
 * <p>A drop that throws is a bug in that future: drop is meant to release what a
 * future holds, not to fail.
 */
public final class SelectDropException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int winner;
    private final transient Object winnerValue;

    /**
     * @param winner the index of the winning branch, in the order the select was given its branches
     * @param winnerValue the winning branch's value, before any handler
     * @param dropFailure what the losing branch's drop threw
     */
    public SelectDropException(int winner, Object winnerValue, Throwable dropFailure) {
        super("branch " + winner + " of the select was ready, but dropping a losing branch threw: "
                + dropFailure + "; the winner's handler did not run and its value is kept in winnerValue()",
                dropFailure);
        this.winner = winner;
        this.winnerValue = winnerValue;
    }

    /** The index of the winning branch, in the order the select was given its branches. */
    public int winner() {
        return winner;
    }

    /** The winning branch's value, as its future answered it (no handler applied); may be {@code null}. */
    public Object winnerValue() {
        return winnerValue;
    }
}
