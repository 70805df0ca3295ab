package dev.weft;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SelectTest {

    private final CountingWaker waker = new CountingWaker();
    private final Context cx = waker.context();

    // ---- winning and losing -----------------------------------------------------------

    @Test
    void theFirstReadyBranchWins() {
        Select<String> s = select(on(Future.never()), on(Future.ready("b")), on(Future.never()));
        assertEquals("b", s.poll(cx).value());
    }

    @Test
    void theSelectIsPendingWhileEveryBranchIsAndAnyBranchCanWakeIt() {
        ManualFuture<String> a = new ManualFuture<>();
        ManualFuture<String> b = new ManualFuture<>();
        Select<String> s = select(on(a), on(b));
        assertTrue(s.poll(cx).isPending());
        b.complete("b");
        assertEquals(1, waker.count());
        assertEquals("b", s.poll(cx).value());
    }

    @Test
    void theWinnersHandlerMakesTheValue() {
        Select<Integer> s = select(on(Future.never(), v -> -1), on(Future.ready("four"), String::length));
        assertEquals(4, s.poll(cx).value());
    }

    @Test
    void aHandlerMayAnswerTheBranchsOwnValueAnotherOneOrNull() {
        String own = "own";
        assertSame(own, select(on(Future.ready(own))).poll(cx).value());
        assertEquals("other", select(on(Future.ready(own), v -> "other")).poll(cx).value());
        Poll<String> none = select(on(Future.ready(own), v -> (String) null)).poll(cx);
        assertTrue(none.isReady());
        assertEquals(null, none.value());
        assertEquals("from null", select(on(Future.<String>ready(null), v -> "from null")).poll(cx).value());
    }

    @Test
    void losersAreDroppedOnceAndTheWinnerIsNot() {
        ManualFuture<String> loser1 = new ManualFuture<>();
        ManualFuture<String> winner = new ManualFuture<>();
        ManualFuture<String> loser2 = new ManualFuture<>();
        Select<String> s = select(on(loser1), on(winner), on(loser2));
        s.poll(cx);
        winner.complete("w");
        assertEquals("w", s.poll(cx).value());
        s.drop();
        assertEquals(1, loser1.drops());
        assertEquals(1, loser2.drops());
        assertEquals(0, winner.drops());
    }

    @Test
    void losersAreDroppedBeforeTheWinnersHandlerRuns() {
        ManualFuture<String> loser = new ManualFuture<>();
        Select<Boolean> s = select(on(loser, v -> false), on(Future.ready("w"), v -> loser.isDropped())).biased();
        assertTrue(s.poll(cx).value());
    }

    @Test
    void anyGivesTheWinnersIndexAndValue() {
        Future<Select.Winner<String>> f = Select.any(List.of(Future.never(), Future.never(), Future.ready("c")));
        assertEquals(new Select.Winner<>(2, "c"), f.poll(cx).value());
    }

    @Test
    void aSelectWithNoBranchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> select(List.<Select.Branch<String>>of()));
    }

    @Test
    void pollingAfterItCompletedIsRefused() {
        Select<String> s = select(on(Future.ready("a")));
        s.poll(cx);
        assertThrows(IllegalStateException.class, () -> s.poll(cx));
    }

    // ---- fairness and bias ------------------------------------------------------------

    @Test
    void overManyRunsEachOfTwoAlwaysReadyBranchesWinsSometimes() {
        int[] wins = new int[2];
        for (int i = 0; i < 1000; i++) {
            wins[select(on(Future.ready(0)), on(Future.ready(1))).poll(cx).value()]++;
        }
        // Each run picks its start at random: all 1000 the same has probability 2^-999.
        assertTrue(wins[0] > 0 && wins[1] > 0, "wins: " + wins[0] + " / " + wins[1]);
    }

    @Test
    void biasedAlwaysPicksTheFirstReadyBranchInOrder() {
        for (int i = 0; i < 1000; i++) {
            int v = select(on(Future.never()), on(Future.ready(1)), on(Future.ready(2))).biased().poll(cx).value();
            assertEquals(1, v);
        }
    }

    @Test
    void biasedPollsTheBranchesInOrderUpToTheWinner() {
        StringBuilder order = new StringBuilder();
        Select<String> s = select(
                on(Future.<String>pollFn(c -> {
                    order.append('a');
                    return Poll.pending();
                })),
                on(Future.<String>pollFn(c -> {
                    order.append('b');
                    return Poll.ready("b");
                })),
                on(Future.<String>pollFn(c -> {
                    order.append('c');
                    return Poll.ready("c");
                }))).biased();
        assertEquals("b", s.poll(cx).value());
        assertEquals("ab", order.toString());
    }

    @Test
    void configuringAfterTheFirstPollIsRefused() {
        Select<String> s = select(on(Future.never()));
        s.poll(cx);
        assertThrows(IllegalStateException.class, s::biased);
        assertThrows(IllegalStateException.class, () -> s.orElse(() -> "x"));
    }

    // ---- preconditions and else -------------------------------------------------------

    @Test
    void aBranchDisabledByWhenFalseIsNeverPolled() {
        ManualFuture<String> disabled = new ManualFuture<>();
        disabled.complete("disabled");
        Select<String> s = select(on(disabled).when(false), on(Future.ready("enabled")));
        assertEquals("enabled", s.poll(cx).value());
        assertEquals(0, disabled.polls());
    }

    @Test
    void whenTrueLeavesTheBranchEnabled() {
        assertEquals("a", select(on(Future.ready("a")).when(true)).poll(cx).value());
    }

    @Test
    void whenFalseThenTrueStaysDisabled() {
        Select<String> s = select(on(Future.ready("a")).when(false).when(true)).orElse(() -> "else");
        assertEquals("else", s.poll(cx).value());
    }

    @Test
    void orElseGivesTheValueWhenEveryBranchIsDisabled() {
        ManualFuture<String> a = new ManualFuture<>();
        Select<String> s = select(on(a).when(false), on(Future.ready("b")).when(false)).orElse(() -> "else");
        assertEquals("else", s.poll(cx).value());
        assertEquals(0, a.polls());
    }

    @Test
    void orElseIsNotUsedWhileABranchIsEnabled() {
        AtomicBoolean called = new AtomicBoolean();
        Select<String> s = select(on(Future.<String>never())).orElse(() -> {
            called.set(true);
            return "else";
        });
        assertTrue(s.poll(cx).isPending());
        assertFalse(called.get());
    }

    @Test
    void everyBranchDisabledWithoutOrElseIsAnIllegalStateExceptionSayingWhatToAdd() {
        Select<String> s = select(on(Future.ready("a")).when(false));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.poll(cx));
        assertTrue(e.getMessage().contains("orElse"), e.getMessage());
    }

    @Test
    void aDisabledBranchIsDroppedWhenTheSelectCompletes() {
        ManualFuture<String> disabled = new ManualFuture<>();
        Select<String> s = select(on(disabled).when(false), on(Future.ready("b")));
        assertEquals("b", s.poll(cx).value());
        s.drop();
        assertEquals(1, disabled.drops());
    }

    @Test
    void aDisabledBranchIsDroppedWhenThePolledSelectIsDropped() {
        ManualFuture<String> disabled = new ManualFuture<>();
        Select<String> s = select(on(disabled).when(false), on(Future.<String>never()));
        assertTrue(s.poll(cx).isPending());
        s.drop();
        assertEquals(1, disabled.drops());
    }

    @Test
    void everyDisabledBranchIsDroppedWhenOrElseGivesTheValue() {
        ManualFuture<String> disabled = new ManualFuture<>();
        Select<String> s = select(on(disabled).when(false)).orElse(() -> "else");
        assertEquals("else", s.poll(cx).value());
        s.drop();
        assertEquals(1, disabled.drops());
    }

    @Test
    void aDisabledBranchIsDroppedWhenTheSelectIsDroppedBeforeItsFirstPoll() {
        ManualFuture<String> disabled = new ManualFuture<>();
        Select<String> s = select(on(disabled).when(false), on(Future.<String>never()));
        s.drop();
        assertEquals(1, disabled.drops());
    }

    // ---- failure and drop -------------------------------------------------------------

    @Test
    void aBranchThatThrowsFailsTheSelectAndDropsTheOthers() {
        ManualFuture<String> other1 = new ManualFuture<>();
        ManualFuture<String> failing = new ManualFuture<>();
        ManualFuture<String> other2 = new ManualFuture<>();
        Select<String> s = select(on(other1), on(failing), on(other2));
        s.poll(cx);
        IOException boom = new IOException("boom");
        failing.fail(boom);
        assertSame(boom, assertThrows(IOException.class, () -> s.poll(cx)));
        assertEquals(1, other1.drops());
        assertEquals(1, other2.drops());
        assertEquals(0, failing.drops(), "the failed branch finished: it is not dropped");
    }

    /** A future that is always pending and whose drop throws {@code failure} (unchecked: a RuntimeException or an Error). */
    private static Future<String> pendingWithThrowingDrop(Throwable failure) {
        return new Future<>() {
            @Override
            public Poll<String> poll(Context c) {
                return Poll.pending();
            }

            @Override
            public void drop() {
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
        };
    }

    @Test
    void aBranchFailureIsKeptWhenDroppingALoserThrows() {
        IllegalStateException dropFailure = new IllegalStateException("drop failed");
        IOException boom = new IOException("boom");
        Select<String> s = select(on(pendingWithThrowingDrop(dropFailure)), on(Future.<String>failed(boom))).biased();
        Throwable thrown = assertThrows(Throwable.class, () -> s.poll(cx));
        assertSame(boom, thrown);
        assertTrue(List.of(thrown.getSuppressed()).contains(dropFailure));
    }

    @Test
    void aWinnersValueIsHandedBackWhenDroppingALoserThrows() {
        IllegalStateException dropFailure = new IllegalStateException("drop failed");
        IllegalStateException secondFailure = new IllegalStateException("second drop failed");
        AtomicBoolean handled = new AtomicBoolean();
        Select<String> s = select(
                on(pendingWithThrowingDrop(dropFailure)),
                on(Future.ready("message"), v -> {
                    handled.set(true);
                    return v;
                }),
                on(pendingWithThrowingDrop(secondFailure))).biased();
        SelectDropException thrown = assertThrows(SelectDropException.class, () -> s.poll(cx));
        assertEquals(1, thrown.winner());
        assertEquals("message", thrown.winnerValue());
        assertSame(dropFailure, thrown.getCause());
        assertTrue(List.of(dropFailure.getSuppressed()).contains(secondFailure));
        assertFalse(handled.get(), "the handler does not run when a loser's drop failed");
        assertTrue(thrown.getMessage().contains("branch 1"), thrown.getMessage());
        assertThrows(IllegalStateException.class, () -> s.poll(cx), "the failed select is complete");
    }

    @Test
    void anErrorFromALosersDropIsRethrownAsItIs() {
        StackOverflowError overflow = new StackOverflowError("from a drop");
        Select<String> s = select(on(pendingWithThrowingDrop(overflow)), on(Future.ready("message"))).biased();
        assertSame(overflow, assertThrows(StackOverflowError.class, () -> s.poll(cx)));
    }

    @Test
    void anErrorFromALaterLosersDropIsTheOneThrownWithTheEarlierFailureSuppressed() {
        IllegalStateException first = new IllegalStateException("first drop failed");
        StackOverflowError later = new StackOverflowError("later drop failed");
        Select<String> s = select(on(pendingWithThrowingDrop(first)), on(pendingWithThrowingDrop(later)),
                on(Future.ready("m"))).biased();
        StackOverflowError thrown = assertThrows(StackOverflowError.class, () -> s.poll(cx));
        assertSame(later, thrown);
        assertTrue(List.of(thrown.getSuppressed()).contains(first));
    }

    @Test
    void oneFailureThrownByTwoDropsIsKeptOnceAndEveryLoserIsDropped() {
        IllegalStateException shared = new IllegalStateException("shared failure");
        ManualFuture<String> third = new ManualFuture<>();
        Select<String> s = select(on(pendingWithThrowingDrop(shared)), on(pendingWithThrowingDrop(shared)), on(third),
                on(Future.ready("m"))).biased();
        SelectDropException thrown = assertThrows(SelectDropException.class, () -> s.poll(cx));
        assertSame(shared, thrown.getCause());
        assertEquals(0, shared.getSuppressed().length);
        assertEquals(1, third.drops(), "the loser after the two failures was dropped too");
    }

    @Test
    void anyHandsTheWinnersValueBackWhenDroppingALoserThrows() {
        IllegalStateException dropFailure = new IllegalStateException("drop failed");
        Future<Select.Winner<String>> f = Select.any(List.of(pendingWithThrowingDrop(dropFailure), Future.ready("c")));
        SelectDropException thrown = assertThrows(SelectDropException.class, () -> f.poll(cx));
        assertEquals(1, thrown.winner());
        assertEquals("c", thrown.winnerValue());
        assertSame(dropFailure, thrown.getCause());
    }

    @Test
    void aHandlerThatThrowsFailsTheSelectWithItsExceptionCheckedIncluded() {
        IOException boom = new IOException("boom");
        Select<String> s = select(on(Future.ready("a"), v -> {
            throw boom;
        }));
        assertSame(boom, assertThrows(IOException.class, () -> s.poll(cx)));
    }

    @Test
    void anOrElseThatThrowsFailsTheSelectWithItsExceptionCheckedIncluded() {
        IOException boom = new IOException("boom");
        Select<String> s = select(on(Future.<String>never()).when(false)).orElse(() -> {
            throw boom;
        });
        assertSame(boom, assertThrows(IOException.class, () -> s.poll(cx)));
    }

    @Test
    void droppingAPendingSelectDropsEveryBranchOnce() {
        ManualFuture<String> a = new ManualFuture<>();
        ManualFuture<String> b = new ManualFuture<>();
        Select<String> s = select(on(a), on(b));
        s.poll(cx);
        s.drop();
        s.drop();
        assertEquals(1, a.drops());
        assertEquals(1, b.drops());
    }

    @Test
    void aDroppedSelectRefusesToBePolled() {
        ManualFuture<String> a = new ManualFuture<>();
        Select<String> s = select(on(a)).orElse(() -> "else");
        s.poll(cx);
        s.drop();
        var e = assertThrows(IllegalStateException.class, () -> s.poll(cx));
        assertTrue(e.getMessage().contains("completed"), e.getMessage());
        assertEquals(1, a.polls());
    }

    @Test
    void aPreconditionCannotChangeOnceTheSelectWasPolled() {
        ManualFuture<String> a = new ManualFuture<>();
        ManualFuture<String> b = new ManualFuture<>();
        Select.Branch<String> first = on(a);
        Select<String> s = select(first, on(b));
        assertTrue(s.poll(cx).isPending());
        var e = assertThrows(IllegalStateException.class, () -> first.when(false));
        assertTrue(e.getMessage().contains("before the select is first awaited"), e.getMessage());
        a.complete("a");
        assertEquals("a", s.poll(cx).value(), "the branch stayed enabled");
    }

    @Test
    void droppingASelectBeforeItsFirstPollDropsEveryBranch() {
        ManualFuture<String> a = new ManualFuture<>();
        ManualFuture<String> b = new ManualFuture<>();
        select(on(a), on(b)).drop();
        assertEquals(1, a.drops());
        assertEquals(1, b.drops());
        assertEquals(0, a.polls() + b.polls());
    }

    @Test
    void aBorrowedFutureSurvivesLosingSelectsInALoop() {
        ManualFuture<String> kept = new ManualFuture<>();
        for (int i = 0; i < 2; i++) {
            Select<String> s = select(on(Future.borrow(kept)), on(Future.ready("tick"))).biased();
            assertEquals("tick", s.poll(cx).value());
        }
        assertEquals(0, kept.drops(), "a borrowed future is not dropped by the select it loses");
        kept.complete("kept");
        assertEquals("kept", select(on(Future.borrow(kept))).poll(cx).value());
    }

    // ---- no leak ----------------------------------------------------------------------

    /** A future that registers the waker it was polled with in a shared set, and removes it on drop. */
    private static final class Registering implements Future<String> {
        private final Set<Waker> registry;
        private final AtomicInteger registrations;
        private Waker registered;

        Registering(Set<Waker> registry, AtomicInteger registrations) {
            this.registry = registry;
            this.registrations = registrations;
        }

        @Override
        public Poll<String> poll(Context c) {
            registrations.incrementAndGet();
            if (registered != null) {
                registry.remove(registered);
            }
            registered = c.waker();
            registry.add(registered);
            return Poll.pending();
        }

        @Override
        public void drop() {
            if (registered != null) {
                registry.remove(registered);
                registered = null;
            }
        }
    }

    private static long usedHeapAfterGc() {
        java.lang.Runtime jvm = java.lang.Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return jvm.totalMemory() - jvm.freeMemory();
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSelectLosersRegistrationIsReleasedNoWakerLeakAfterAMillionSelects() {
        int selects = 1_000_000;
        Set<Waker> registry = Collections.newSetFromMap(new IdentityHashMap<>());
        AtomicInteger registrations = new AtomicInteger();
        long before = usedHeapAfterGc();
        for (int i = 0; i < selects; i++) {
            // The registering branch comes first and the select is biased: every select registers a waker
            // (a fresh one each time, as from a fresh task), then loses to the always-ready branch.
            Select<String> s = select(on(new Registering(registry, registrations)), on(Future.ready("ready")))
                    .biased();
            assertEquals("ready", s.poll(Context.of(new CountingWaker())).value());
        }
        long after = usedHeapAfterGc();
        assertEquals(selects, registrations.get(), "every select registered a waker");
        assertTrue(registry.isEmpty(), registry.size() + " wakers still registered");
        long grownBytes = after - before;
        // One leaked waker and its set entry cost far more than 16 bytes: a leak would show as tens of MB.
        assertTrue(grownBytes < 16L * 1024 * 1024, "heap grew by " + grownBytes + " bytes");
    }
}
