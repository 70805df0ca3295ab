package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Waker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RwLockTest {

    @Test
    void manyReadersAtOnce() {
        RwLock<String> l = new RwLock<>("v");
        RwLock.ReadGuard<String> a = l.read().await();
        RwLock.ReadGuard<String> b = l.tryRead();
        assertNotNull(b);
        assertEquals("v", a.get());
        assertEquals("v", b.get());
        assertNull(l.tryWrite(), "no writer while readers hold it");
        a.close();
        b.close();
        assertNotNull(l.tryWrite());
    }

    @Test
    void aWriterExcludesEveryone() {
        RwLock<String> l = new RwLock<>("v");
        try (RwLock.WriteGuard<String> w = l.write().await()) {
            assertNull(l.tryRead());
            assertNull(l.tryWrite());
            w.set("w");
        }
        assertEquals("w", l.read().await().get());
    }

    @Test
    void aWaitingWriterIsNotStarvedByLaterReaders() {
        RwLock<Integer> l = new RwLock<>(0);
        RwLock.ReadGuard<Integer> reader = l.read().await();
        Future<RwLock.WriteGuard<Integer>> writer = l.write();
        CountingWaker ww = new CountingWaker();
        assertTrue(writer.poll(Context.of(ww)).isPending());
        assertNull(l.tryRead(), "a reader arriving after a waiting writer waits behind it");
        Future<RwLock.ReadGuard<Integer>> lateReader = l.read();
        CountingWaker rw = new CountingWaker();
        assertTrue(lateReader.poll(Context.of(rw)).isPending());
        reader.close();
        assertTrue(ww.isWoken());
        assertFalse(rw.isWoken());
        RwLock.WriteGuard<Integer> w = writer.poll(Context.of(ww)).value();
        w.close();
        assertTrue(rw.isWoken());
        assertEquals(0, lateReader.poll(Context.of(rw)).value().get());
    }

    @Test
    void theReaderLimitMakesFurtherReadersWait() {
        RwLock<String> l = new RwLock<>("v", 2);
        assertEquals(2, l.maxReaders());
        var a = l.read().await();
        var b = l.read().await();
        assertNull(l.tryRead());
        a.close();
        assertNotNull(l.tryRead());
        b.close();
    }

    @Test
    void downgradeKeepsWritersOutAndLetsReadersIn() {
        RwLock<String> l = new RwLock<>("v");
        RwLock.WriteGuard<String> w = l.write().await();
        w.set("written");
        Future<RwLock.WriteGuard<String>> otherWriter = l.write();
        assertTrue(otherWriter.poll(Context.of(new CountingWaker())).isPending());
        RwLock.ReadGuard<String> r = w.downgrade();
        assertEquals("written", r.get());
        assertThrows(IllegalStateException.class, w::get, "the write guard is gone");
        assertTrue(otherWriter.poll(Context.of(new CountingWaker())).isPending(), "still a reader inside");
        r.close();
        assertEquals("written", otherWriter.poll(Context.of(new CountingWaker())).value().get());
    }

    @Test
    void aDowngradeWhoseHandOffMeetsAThrowingWakerStillGivesTheReadGuard() {
        RwLock<Integer> l = new RwLock<>(0, 4);
        RwLock.WriteGuard<Integer> w = l.tryWrite();
        assertNotNull(w);
        Future<RwLock.ReadGuard<Integer>> r = l.read();
        Waker throwing = () -> {
            throw new IllegalStateException("a waker that fails");
        };
        assertTrue(r.poll(Context.of(throwing)).isPending());
        RwLock.ReadGuard<Integer> downgraded = w.downgrade(); // the waker's exception is logged
        assertThrows(IllegalStateException.class, w::get, "the write guard is gone");
        RwLock.ReadGuard<Integer> reader = r.poll(Context.of(Waker.noop())).value(); // the hand-off happened
        assertEquals("RwLock[2 readers]", l.toString());
        reader.close();
        downgraded.close();
        assertNotNull(l.tryWrite(), "every permit came back");
    }

    @Test
    void aDroppedWriteWaiterGivesBackTheReadPermitsItGathered() {
        RwLock<String> l = new RwLock<>("v", 4);
        RwLock.ReadGuard<String> r = l.read().await();
        Future<RwLock.WriteGuard<String>> w = l.write();
        assertTrue(w.poll(Context.of(new CountingWaker())).isPending()); // holds 3 of 4 in the queue
        Future<RwLock.ReadGuard<String>> lateReader = l.read();
        CountingWaker rw = new CountingWaker();
        assertTrue(lateReader.poll(Context.of(rw)).isPending());
        w.drop();
        assertTrue(rw.isWoken(), "the dropped writer's permits went on to the reader");
        assertNotNull(lateReader.poll(Context.of(rw)).value());
        r.close();
    }

    @Test
    void aDroppedReadOrWritePolledAgainIsRefused() {
        RwLock<String> l = new RwLock<>("v");
        RwLock.WriteGuard<String> held = l.write().await();
        Future<RwLock.ReadGuard<String>> r = l.read();
        Future<RwLock.WriteGuard<String>> w = l.write();
        CountingWaker cw = new CountingWaker();
        assertTrue(r.poll(Context.of(cw)).isPending());
        assertTrue(w.poll(Context.of(cw)).isPending());
        r.drop();
        w.drop();
        held.close();
        assertTrue(assertThrows(IllegalStateException.class, () -> r.poll(Context.of(cw))).getMessage().contains("read()"));
        assertTrue(assertThrows(IllegalStateException.class, () -> w.poll(Context.of(cw))).getMessage().contains("write()"));
        assertNotNull(l.tryWrite(), "the dropped futures took nothing");
    }

    @Test
    void misuseIsRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> new RwLock<>("v", 0));
        RwLock<String> l = new RwLock<>("v");
        RwLock.ReadGuard<String> r = l.read().await();
        r.close();
        assertThrows(IllegalStateException.class, r::get);
        RwLock.WriteGuard<String> w = l.write().await();
        w.close();
        assertThrows(IllegalStateException.class, w::downgrade);
    }

    @Test
    void aGuardNamesItsLockWhileItHoldsIt() {
        RwLock<String> l = new RwLock<>("v");
        RwLock.WriteGuard<String> w = l.write().await();
        assertSame(l, w.rwlock());
        RwLock.ReadGuard<String> r = w.downgrade();
        assertThrows(IllegalStateException.class, w::rwlock, "a downgraded write guard holds no lock");
        assertSame(l, r.rwlock());
        r.close();
        assertThrows(IllegalStateException.class, r::rwlock);
    }
}
