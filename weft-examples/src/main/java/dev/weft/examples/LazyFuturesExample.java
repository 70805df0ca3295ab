package dev.weft.examples;

import static dev.weft.Async.async;

import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import dev.weft.task.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pitfall: forgetting that futures are lazy.
 *
 * <pre>{@code
 * send_email("ada");          // does nothing: the future is never polled (and rustc warns)
 * send_email("grace").await;  // sends
 * tokio::spawn(send_email("linus"));   // spawning polls it too, without an await
 * }</pre>
 *
 * <p>A Weft future is inert until something polls it: an {@code await()}, a spawn,
 * or a join or select that is itself awaited. Java has no {@code #[must_use]}
 * warning, so the forgotten one fails silently: the email is never sent.
 */
public final class LazyFuturesExample {
    private LazyFuturesExample() {
    }

    /** An outbox that records what was really sent. */
    static final class Outbox {
        final List<String> sent = new CopyOnWriteArrayList<>();

        /** {@code async fn send_email(to)}. */
        Future<Void> sendEmail(String to) {
            return async(() -> {
                sent.add(to);
            });
        }
    }

    /** The example's observable result. */
    record Outcome(List<String> sentBeforeAnyAwait, List<String> sent, int pollsOfAnUnawaitedFuture,
            boolean spawnedRanWithoutAwait) {
    }

    public static Outcome run() {
        return Runtime.main(() -> {
            Outbox outbox = new Outbox();

            outbox.sendEmail("ada");                       // the pitfall: created, never awaited
            Future<Void> later = outbox.sendEmail("grace"); // created now, awaited below
            Task.yieldNow().await();                       // give every other task its chance
            List<String> before = List.copyOf(outbox.sent); // nothing was sent: nobody polled them

            later.await();                                 // now "grace" is sent, and only now

            // A hand-written future shows the same thing at the poll level: creating it does nothing.
            AtomicInteger polls = new AtomicInteger();
            Future<String> counted = Future.pollFn(cx -> {
                polls.incrementAndGet();
                return Poll.ready("polled");
            });
            int pollsBeforeAwait = polls.get();
            counted.await();

            // Spawning is eager: the task starts without anyone awaiting its handle.
            CountDownLatch ran = new CountDownLatch(1);
            Task.spawn(() -> {
                outbox.sent.add("linus");
                ran.countDown();
            });
            boolean spawnedRan = ran.await(10, TimeUnit.SECONDS);

            return new Outcome(before, List.copyOf(outbox.sent), pollsBeforeAwait, spawnedRan);
        });
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("sent before await  : " + o.sentBeforeAnyAwait() + " (the futures were only created)");
        System.out.println("sent in the end    : " + o.sent() + " (\"ada\" was never awaited: never sent)");
        System.out.println("polls of a created : " + o.pollsOfAnUnawaitedFuture() + " before its await");
        System.out.println("spawned, no await  : ran=" + o.spawnedRanWithoutAwait());
    }
}
