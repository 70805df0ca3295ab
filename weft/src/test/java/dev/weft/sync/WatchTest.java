package dev.weft.sync;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.ManualFuture;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WatchTest extends RuntimePerTest {
    static <T> Poll<T> pollOnce(Future<T> f, CountingWaker w) {
        return f.poll(w.context());
    }

    // ---- channel / borrow

    @Test
    void channelRejectsNull() {
        var e = assertThrows(NullPointerException.class, () -> Watch.channel(null));
        assertTrue(e.getMessage().contains("initial"));
    }

    @Test
    void theInitialValueIsThereAndCountsAsSeen() throws Exception {
        var ch = Watch.channel("init");
        assertEquals("init", ch.rx().borrow());
        assertEquals("init", ch.tx().borrow());
        assertFalse(ch.rx().hasChanged());
        assertTrue(pollOnce(ch.rx().changed(), new CountingWaker()).isPending());
        assertEquals(1, ch.tx().receiverCount());
    }

    @Test
    void borrowDoesNotMarkSeenButBorrowAndUpdateDoes() {
        var ch = Watch.channel(1);
        ch.tx().send(2);
        assertTrue(ch.rx().hasChanged());
        assertEquals(2, ch.rx().borrow());
        assertTrue(ch.rx().hasChanged(), "borrow leaves it unseen");
        assertEquals(2, ch.rx().borrowAndUpdate());
        assertFalse(ch.rx().hasChanged());
    }

    @Test
    void theRefFormsSayWhetherTheValueWasNewAndOnlyTheUpdateMarksIt() {
        var ch = Watch.channel("a");
        var rx = ch.rx();
        assertEquals(new Watch.Ref<>("a", false), rx.borrowRef());
        assertEquals(new Watch.Ref<>("a", false), rx.borrowAndUpdateRef());
        ch.tx().send("b");
        assertEquals(new Watch.Ref<>("b", true), rx.borrowRef());
        assertEquals(new Watch.Ref<>("b", true), rx.borrowRef(), "borrowRef leaves it unseen");
        assertEquals(new Watch.Ref<>("b", true), rx.borrowAndUpdateRef());
        assertEquals(new Watch.Ref<>("b", false), rx.borrowAndUpdateRef());
        assertTrue(pollOnce(rx.changed(), new CountingWaker()).isPending(), "the update marked it seen");
        rx.markChanged();
        assertTrue(rx.borrowAndUpdateRef().hasChanged());
    }

    @Test
    void borrowAndUpdateRefStillAnswersAfterTheSendersAreGone() {
        var ch = Watch.channel(1);
        ch.tx().send(2);
        ch.tx().close();
        assertThrows(RecvError.class, ch.rx()::hasChanged);
        assertEquals(new Watch.Ref<>(2, true), ch.rx().borrowAndUpdateRef());
        assertEquals(new Watch.Ref<>(2, false), ch.rx().borrowAndUpdateRef());
    }

    @Test
    void borrowReturnsTheLiveReference() {
        List<String> list = new ArrayList<>();
        var ch = Watch.channel(list);
        assertSame(list, ch.rx().borrow());
        ch.tx().sendModify(l -> l.add("x"));
        assertSame(list, ch.rx().borrow());
        assertEquals(List.of("x"), list);
    }

    // ---- send / sendReplace / sendModify / sendIfModified

    @Test
    void sendReplacesTheValueAndNotifies() {
        var ch = Watch.channel("a");
        CountingWaker w = new CountingWaker();
        Future<Void> changed = ch.rx().changed();
        assertTrue(pollOnce(changed, w).isPending());
        ch.tx().send("b");
        assertEquals(1, w.count());
        assertTrue(pollOnce(changed, w).isReady());
        assertEquals("b", ch.rx().borrow());
        assertFalse(ch.rx().hasChanged(), "changed() marked it seen");
    }

    @Test
    void sendRejectsNull() {
        var ch = Watch.channel("a");
        assertThrows(NullPointerException.class, () -> ch.tx().send(null));
        assertThrows(NullPointerException.class, () -> ch.tx().sendReplace(null));
        assertThrows(NullPointerException.class, () -> ch.tx().sendModify(null));
        assertThrows(NullPointerException.class, () -> ch.tx().sendIfModified(null));
    }

    @Test
    void sendWithNoReceiverFailsHandsTheValueBackAndDoesNotStoreIt() {
        var ch = Watch.channel("a");
        ch.rx().close();
        assertTrue(ch.tx().isClosed());
        SendError e = assertThrows(SendError.class, () -> ch.tx().send("b"));
        assertEquals("b", e.value());
        assertEquals("a", ch.tx().borrow());
    }

    @Test
    void aSenderMadeAloneHasNoReceiverUntilOneSubscribes() {
        Watch.Sender<String> tx = Watch.sender("a");
        assertEquals(0, tx.receiverCount());
        assertTrue(tx.isClosed());
        assertTrue(tx.closed().poll(Context.of(new CountingWaker())).isReady(), "no receiver: closed at once");
        assertEquals("b", assertThrows(SendError.class, () -> tx.send("b")).value());
        assertEquals("a", tx.sendReplace("c"), "the replacing forms store without receivers");
        assertEquals("c", tx.borrow());

        var rx = tx.subscribe();
        assertEquals(1, tx.receiverCount());
        assertEquals("c", rx.borrow());
        assertFalse(rx.hasChanged(), "a subscriber has seen the value current when it subscribed");
        CountingWaker w = new CountingWaker();
        Future<Void> changed = rx.changed();
        assertTrue(pollOnce(changed, w).isPending());
        tx.send("d");
        assertEquals(1, w.count());
        assertTrue(pollOnce(changed, w).isReady());
        assertEquals("d", rx.borrowAndUpdate());
        assertThrows(NullPointerException.class, () -> Watch.sender(null));
    }

    @Test
    void aSenderMadeAloneModifiesInPlaceAndAWaitForSeesIt() {
        Watch.Sender<int[]> tx = Watch.sender(new int[] {0});
        tx.sendModify(v -> v[0] = 1);
        assertFalse(tx.sendIfModified(v -> false));
        assertTrue(tx.sendIfModified(v -> {
            v[0] = 2;
            return true;
        }));
        assertEquals(2, tx.borrow()[0], "modified without receivers");
        var rx = tx.subscribe();
        CountingWaker w = new CountingWaker();
        Future<int[]> atThree = rx.waitFor(v -> v[0] == 3);
        assertTrue(pollOnce(atThree, w).isPending());
        tx.sendModify(v -> v[0] = 3);
        assertTrue(w.count() > 0);
        assertEquals(3, pollOnce(atThree, w).value()[0]);
    }

    @Test
    void senderCountCountsOpenSenders() {
        var ch = Watch.channel(0);
        assertEquals(1, ch.tx().senderCount());
        var clone = ch.tx().clone();
        assertEquals(2, ch.tx().senderCount());
        assertEquals(2, clone.senderCount());
        clone.close();
        clone.close(); // idempotent: counted once
        assertEquals(1, ch.tx().senderCount());
        ch.tx().close();
        assertEquals(0, ch.tx().senderCount());
    }

    @Test
    void sendReplaceStoresEvenWithoutReceiversAndReturnsTheOldValue() {
        var ch = Watch.channel("a");
        assertEquals("a", ch.tx().sendReplace("b"));
        ch.rx().close();
        assertEquals("b", ch.tx().sendReplace("c"));
        assertEquals("c", ch.tx().borrow());
        var late = ch.tx().subscribe();
        assertEquals("c", late.borrow());
        assertFalse(late.hasChanged(), "a new subscriber has seen the current value");
    }

    @Test
    void sendModifyChangesInPlaceAndAlwaysNotifies() {
        var ch = Watch.channel(new int[] {1});
        ch.tx().sendModify(a -> a[0]++);
        assertTrue(ch.rx().hasChanged());
        assertEquals(2, ch.rx().borrowAndUpdate()[0]);
        ch.tx().sendModify(a -> { });
        assertTrue(ch.rx().hasChanged(), "notifies even if nothing changed");
    }

    @Test
    void sendIfModifiedNotifiesOnlyWhenItAnswersTrue() {
        var ch = Watch.channel(new int[] {1});
        CountingWaker w = new CountingWaker();
        Future<Void> changed = ch.rx().changed();
        assertTrue(pollOnce(changed, w).isPending());
        assertFalse(ch.tx().sendIfModified(a -> false));
        assertEquals(0, w.count());
        assertFalse(ch.rx().hasChanged());
        assertTrue(ch.tx().sendIfModified(a -> {
            a[0] = 7;
            return true;
        }));
        assertEquals(1, w.count());
        assertTrue(pollOnce(changed, w).isReady());
        assertEquals(7, ch.rx().borrow()[0]);
    }

    @Test
    void aModifyThatThrowsNotifiesNobodyAndPropagates() {
        var ch = Watch.channel(new int[] {1});
        var e = assertThrows(IllegalStateException.class, () -> ch.tx().sendModify(a -> {
            a[0] = 5;
            throw new IllegalStateException("boom");
        }));
        assertEquals("boom", e.getMessage());
        assertFalse(ch.rx().hasChanged());
        assertEquals(5, ch.rx().borrow()[0], "what it changed stays changed");
        ch.tx().send(new int[] {9}); // the lock was released
        assertTrue(ch.rx().hasChanged());
    }

    @Test
    void sendModifyWorksWithoutReceivers() {
        var ch = Watch.channel(new int[] {1});
        ch.rx().close();
        ch.tx().sendModify(a -> a[0] = 3);
        assertTrue(ch.tx().sendIfModified(a -> true));
        assertEquals(3, ch.tx().borrow()[0]);
    }

    // ---- changed / hasChanged / marks

    @Test
    void changedIsReadyAtOnceForAnUnseenValue() {
        var ch = Watch.channel(0);
        ch.tx().send(1);
        ch.tx().send(2);
        assertTrue(pollOnce(ch.rx().changed(), new CountingWaker()).isReady());
        assertEquals(2, ch.rx().borrow(), "only the latest is there");
        assertTrue(pollOnce(ch.rx().changed(), new CountingWaker()).isPending(), "two sends, one change seen");
    }

    @Test
    void markChangedAndMarkUnchanged() {
        var ch = Watch.channel(0);
        ch.rx().markChanged();
        assertTrue(ch.rx().hasChanged());
        assertTrue(pollOnce(ch.rx().changed(), new CountingWaker()).isReady());
        assertFalse(ch.rx().hasChanged());
        ch.tx().send(1);
        ch.rx().markUnchanged();
        assertFalse(ch.rx().hasChanged());
        assertEquals(1, ch.rx().borrow());
    }

    @Test
    void aCloneKeepsTheSeenVersionAndCountsAsAReceiver() {
        var ch = Watch.channel(0);
        ch.tx().send(1);
        var copy = ch.rx().clone();
        assertEquals(2, ch.tx().receiverCount());
        assertTrue(copy.hasChanged(), "the clone has not seen 1 either");
        assertTrue(copy.sameChannel(ch.rx()));
        assertFalse(copy.sameChannel(Watch.channel(0).rx()));
        ch.rx().borrowAndUpdate();
        var copy2 = ch.rx().clone();
        assertFalse(copy2.hasChanged());
        copy.close();
        copy2.close();
        assertEquals(1, ch.tx().receiverCount());
    }

    // ---- waitFor

    @Test
    void waitForChecksTheCurrentValueFirst() {
        var ch = Watch.channel(5);
        ch.rx().borrowAndUpdate();
        Poll<Integer> p = pollOnce(ch.rx().waitFor(v -> v > 3), new CountingWaker());
        assertTrue(p.isReady());
        assertEquals(5, p.value());
    }

    @Test
    void waitForWaitsForAMatchingValueAndMarksWhatItTestedSeen() {
        var ch = Watch.channel(0);
        CountingWaker w = new CountingWaker();
        AtomicInteger tests = new AtomicInteger();
        Future<Integer> f = ch.rx().waitFor(v -> {
            tests.incrementAndGet();
            return v >= 3;
        });
        assertTrue(pollOnce(f, w).isPending());
        ch.tx().send(1);
        assertTrue(pollOnce(f, w).isPending());
        ch.tx().send(2);
        ch.tx().send(3);
        assertEquals(3, pollOnce(f, w).value());
        assertEquals(3, tests.get(), "0, 1 and 3 were tested; 2 was replaced before it could be");
        assertFalse(ch.rx().hasChanged());
    }

    @Test
    void waitForFailsWhenTheSendersAreGoneWithoutAMatch() {
        var ch = Watch.channel(0);
        CountingWaker w = new CountingWaker();
        Future<Integer> f = ch.rx().waitFor(v -> v > 10);
        assertTrue(pollOnce(f, w).isPending());
        ch.tx().send(11 - 10);
        ch.tx().close();
        assertThrows(RecvError.class, () -> pollOnce(f, w));
        assertEquals(0, ch.rx().waitingCount());
    }

    @Test
    void waitForStillFindsTheLastValueAfterTheSendersAreGone() {
        var ch = Watch.channel(0);
        ch.tx().send(42);
        ch.tx().close();
        assertEquals(42, ch.rx().waitFor(v -> v == 42).await());
        assertEquals(42, ch.rx().waitFor(v -> v == 42).await(), "the current value is tested even if seen");
    }

    @Test
    void aPredicateThatThrowsFailsTheFutureAndLeavesNoRegistration() {
        var ch = Watch.channel(0);
        CountingWaker w = new CountingWaker();
        Future<Integer> f = ch.rx().waitFor(v -> {
            if (v == 1) {
                throw new IllegalArgumentException("bad value");
            }
            return false;
        });
        assertTrue(pollOnce(f, w).isPending());
        ch.tx().send(1);
        assertThrows(IllegalArgumentException.class, () -> pollOnce(f, w));
        assertEquals(0, ch.rx().waitingCount());
    }

    // ---- close stories

    @Test
    void afterTheLastSenderIsGoneChangedCompletesForAnUnseenValueThenFails() {
        var ch = Watch.channel("a");
        var tx2 = ch.tx().clone();
        assertTrue(tx2.sameChannel(ch.tx()));
        tx2.send("b");
        ch.tx().close();
        tx2.close();
        assertThrows(RecvError.class, ch.rx()::hasChanged, "hasChanged throws once closed, as in Tokio");
        ch.rx().changed().await(); // "b" was not seen yet
        RecvError e = assertThrows(RecvError.class, () -> ch.rx().changed().await());
        assertTrue(e.getMessage().contains("sender"), e.getMessage());
        assertEquals("b", ch.rx().borrow(), "the last value stays readable");
        assertEquals("b", ch.rx().borrowAndUpdate());
    }

    @Test
    void aPendingChangedIsWokenByTheLastSenderClosingAndFails() {
        var ch = Watch.channel("a");
        var tx2 = ch.tx().clone();
        CountingWaker w = new CountingWaker();
        Future<Void> changed = ch.rx().changed();
        assertTrue(pollOnce(changed, w).isPending());
        ch.tx().close();
        assertEquals(0, w.count(), "another sender is still open");
        tx2.close();
        assertEquals(1, w.count());
        assertThrows(RecvError.class, () -> pollOnce(changed, w));
        assertEquals(0, ch.rx().waitingCount());
    }

    @Test
    void closedCompletesWhenEveryReceiverIsGone() {
        var ch = Watch.channel("a");
        var b = ch.tx().subscribe();
        CountingWaker w = new CountingWaker();
        Future<Void> closed = ch.tx().closed();
        assertTrue(pollOnce(closed, w).isPending());
        ch.rx().close();
        assertEquals(0, w.count());
        b.close();
        assertEquals(1, w.count());
        assertTrue(pollOnce(closed, w).isReady());
        assertTrue(pollOnce(ch.tx().closed(), w).isReady());
        assertEquals(0, ch.tx().waitingCount());
    }

    @Test
    void aDroppedClosedFutureLeavesNoRegistration() {
        var ch = Watch.channel("a");
        Future<Void> closed = ch.tx().closed();
        assertTrue(pollOnce(closed, new CountingWaker()).isPending());
        assertEquals(1, ch.tx().waitingCount());
        closed.drop();
        assertEquals(0, ch.tx().waitingCount());
    }

    @Test
    void hasChangedAfterTheSendersAreGoneSaysWhatStillWorks() {
        var ch = Watch.channel(0);
        ch.tx().send(1);
        ch.tx().close();
        RecvError e = assertThrows(RecvError.class, ch.rx()::hasChanged);
        assertTrue(e.getMessage().contains("changed() still completes"), e.getMessage());
        assertTrue(pollOnce(ch.rx().changed(), new CountingWaker()).isReady(), "the unseen 1");
        assertEquals(1, ch.rx().borrow());
    }

    @Test
    void closingAReceiverWakesEveryFutureOfItThatWaitsAndLeavesNoRegistration() {
        var ch = Watch.channel(0);
        var other = ch.tx().subscribe();
        CountingWaker wa = new CountingWaker();
        CountingWaker wb = new CountingWaker();
        CountingWaker wo = new CountingWaker();
        var a = ch.rx().changed();
        var b = ch.rx().waitFor(v -> v > 5);
        var o = other.changed();
        assertTrue(pollOnce(a, wa).isPending());
        assertTrue(pollOnce(b, wb).isPending());
        assertTrue(pollOnce(o, wo).isPending());
        ch.rx().close();
        assertEquals(1, wa.count());
        assertEquals(1, wb.count());
        assertEquals(0, wo.count(), "another receiver's future keeps waiting");
        assertEquals(1, ch.tx().waitingCount(), "only the other receiver's registration is left");
        assertThrows(IllegalStateException.class, () -> pollOnce(a, wa));
        ch.tx().send(1);
        assertEquals(1, wo.count());
        other.close();
    }

    @Test
    void closedHandlesRefuseUseAndCloseIsIdempotent() {
        var ch = Watch.channel("a");
        var tx2 = ch.tx().clone();
        var rx2 = ch.rx().clone();
        ch.tx().close();
        ch.tx().close();
        ch.rx().close();
        ch.rx().close();
        assertEquals(1, tx2.receiverCount());
        assertFalse(rx2.hasChanged(), "one sender is still open");
        var e = assertThrows(IllegalStateException.class, () -> ch.tx().send("x"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ch.tx().sendReplace("x"));
        assertThrows(IllegalStateException.class, () -> ch.tx().sendModify(v -> { }));
        assertThrows(IllegalStateException.class, ch.tx()::subscribe);
        assertThrows(IllegalStateException.class, ch.tx()::clone);
        assertThrows(IllegalStateException.class, ch.rx()::borrow);
        assertThrows(IllegalStateException.class, ch.rx()::borrowAndUpdate);
        assertThrows(IllegalStateException.class, ch.rx()::borrowRef);
        assertThrows(IllegalStateException.class, ch.rx()::borrowAndUpdateRef);
        assertThrows(IllegalStateException.class, ch.rx()::hasChanged);
        assertThrows(IllegalStateException.class, ch.rx()::markChanged);
        assertThrows(IllegalStateException.class, ch.rx()::clone);
        assertThrows(IllegalStateException.class, () -> pollOnce(ch.rx().changed(), new CountingWaker()));
        tx2.close();
        rx2.close();
    }

    @Test
    void closingAReceiverWakesItsPendingChangedWhichThenFails() {
        var ch = Watch.channel("a");
        CountingWaker w = new CountingWaker();
        Future<Void> changed = ch.rx().changed();
        assertTrue(pollOnce(changed, w).isPending());
        ch.rx().close();
        assertEquals(1, w.count());
        assertEquals(0, ch.tx().waitingCount());
        assertThrows(IllegalStateException.class, () -> pollOnce(changed, w));
    }

    // ---- cancellation

    @Test
    void aDroppedChangedLeavesNoRegistrationAndLosesNoChange() {
        var ch = Watch.channel(0);
        Future<Void> changed = ch.rx().changed();
        assertTrue(pollOnce(changed, new CountingWaker()).isPending());
        assertEquals(1, ch.rx().waitingCount());
        changed.drop();
        assertEquals(0, ch.rx().waitingCount());
        ch.tx().send(1);
        assertTrue(ch.rx().hasChanged(), "the change is left for the next changed()");
        assertTrue(pollOnce(ch.rx().changed(), new CountingWaker()).isReady());
    }

    @Test
    void manySelectsInALoopDoNotGrowTheWaiterList() {
        var ch = Watch.channel(0);
        var rx = ch.rx();
        for (int i = 0; i < 2_000; i++) {
            ManualFuture<String> other = new ManualFuture<>();
            Future<String> s = select(on(rx.changed(), v -> "changed"), on(other, v -> v));
            CountingWaker w = new CountingWaker();
            assertTrue(s.poll(w.context()).isPending());
            other.complete("other");
            assertEquals("other", s.poll(w.context()).value());
            assertEquals(0, ch.tx().waitingCount());
        }
        ch.tx().send(1);
        assertTrue(select(on(rx.changed(), v -> true), on(Future.never(), v -> false)).await());
    }

    @Test
    void wakesEveryWaitingReceiver() {
        var ch = Watch.channel(0);
        List<Watch.Receiver<Integer>> rxs = new ArrayList<>(List.of(ch.rx()));
        for (int i = 0; i < 3; i++) {
            rxs.add(ch.tx().subscribe());
        }
        List<CountingWaker> wakers = new ArrayList<>();
        List<Future<Void>> futures = new ArrayList<>();
        for (var rx : rxs) {
            CountingWaker w = new CountingWaker();
            Future<Void> f = rx.changed();
            assertTrue(pollOnce(f, w).isPending());
            wakers.add(w);
            futures.add(f);
        }
        ch.tx().send(1);
        for (int i = 0; i < rxs.size(); i++) {
            assertEquals(1, wakers.get(i).count());
            assertTrue(pollOnce(futures.get(i), wakers.get(i)).isReady());
        }
    }

    @Test
    void changedTakesOneUnitOfTheBudget() {
        var ch = Watch.channel(0);
        ch.rx().markChanged();
        int[] polls = {0};
        int[] done = {0};
        Future<Integer> spin = Future.pollFn(cx -> {
            polls[0]++;
            for (; done[0] < Context.BUDGET * 2; done[0]++) {
                ch.rx().markChanged();
                if (ch.rx().changed().poll(cx).isPending()) {
                    return Poll.pending();
                }
            }
            return Poll.ready(polls[0]);
        });
        assertTrue(rt.spawn(spin).await() >= 2, "the task yielded at least once");
    }

    // ---- tasks

    @Test
    void theGracefulShutdownPatternOfTheSeed() {
        var shutdown = Watch.channel(false);
        Watch.Receiver<Boolean> shutdownRx = shutdown.rx();
        var connections = Broadcast.<String>channel(16);
        Broadcast.Receiver<String> accept = connections.rx();
        JoinHandle<Integer> server = rt.spawn(() -> {
            int served = 0;
            while (true) {
                boolean stop = select(
                        on(shutdownRx.changed(), __ -> true),
                        on(accept.recv(), conn -> false))
                    .await();
                if (stop) {
                    break;
                }
                served++;
            }
            return served;
        });
        connections.tx().send("c1");
        connections.tx().send("c2");
        waitUntil(() -> accept.isEmpty());
        shutdown.tx().send(true);
        int served = server.await();
        assertEquals(2, served, "both connections were accepted before the shutdown");
        assertEquals(true, shutdownRx.borrow());
    }

    @Test
    void aFutureTaskAndAThreadTaskFollowTheLatestValue() {
        var ch = Watch.channel(0);
        var forFuture = ch.rx();
        var forThread = ch.tx().subscribe();
        JoinHandle<Integer> futureTask = rt.spawn(forFuture.waitFor(v -> v == 100));
        JoinHandle<Integer> threadTask = rt.spawn(() -> {
            int last = forThread.borrowAndUpdate();
            while (last < 100) {
                forThread.changed().await();
                last = forThread.borrowAndUpdate();
            }
            return last;
        });
        for (int i = 1; i <= 100; i++) {
            ch.tx().send(i);
        }
        assertEquals(100, futureTask.await());
        assertEquals(100, threadTask.await());
    }

    @Test
    void anAbortedFutureTaskParkedInChangedLeavesNoRegistration() {
        var ch = Watch.channel(0);
        JoinHandle<Void> h = rt.spawn(ch.rx().changed());
        waitUntil(() -> ch.tx().waitingCount() == 1);
        h.abort();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertTrue(e.isCancelled());
        waitUntil(() -> ch.tx().waitingCount() == 0);
        ch.tx().send(1);
        assertTrue(ch.rx().hasChanged());
    }

    @Test
    void anAbortedThreadTaskParkedInChangedLeavesNoRegistration() {
        var ch = Watch.channel(0);
        JoinHandle<Void> h = rt.spawn(() -> {
            ch.rx().changed().await();
        });
        waitUntil(() -> ch.tx().waitingCount() == 1);
        h.abort();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertTrue(e.isCancelled());
        assertEquals(0, ch.tx().waitingCount());
    }

    @Test
    void aThreadTaskSeesRecvErrorWhenTheSendersGo() {
        var ch = Watch.channel(0);
        JoinHandle<Void> h = rt.spawn(() -> {
            ch.rx().changed().await();
            ch.rx().changed().await();
        });
        ch.tx().send(1);
        ch.tx().close();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertInstanceOf(RecvError.class, e.getCause());
    }

    @Test
    void senderClosedWakesAThreadTask() {
        var ch = Watch.channel(0);
        JoinHandle<String> h = rt.spawn(() -> {
            ch.tx().closed().await();
            return "gone";
        });
        waitUntil(() -> ch.tx().waitingCount() == 1);
        ch.rx().close();
        assertEquals("gone", h.await());
    }

    @Test
    void toStringsSayWhatTheyAre() {
        var ch = Watch.channel("v");
        assertTrue(ch.tx().toString().startsWith("Watch.Sender["));
        assertTrue(ch.rx().toString().startsWith("Watch.Receiver["));
    }
}
