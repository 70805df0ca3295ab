package dev.weft.examples;

import static dev.weft.Join.join;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.sync.SendError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Elapsed;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Channels for task communication: the seed's {@code producer_consumer}.
 *
 * <pre>{@code
 * async fn producer_consumer() {
 *     let (tx, mut rx) = mpsc::channel::<String>(100);
 *     let producer = tokio::spawn(async move {
 *         for i in 0..10 {
 *             tx.send(format!("message {i}")).await.unwrap();
 *         }
 *         // tx is dropped here, closing the channel
 *     });
 *     let consumer = tokio::spawn(async move {
 *         while let Some(msg) = rx.recv().await {
 *             println!("received: {msg}");
 *         }
 *     });
 *     let _ = tokio::join!(producer, consumer);
 * }
 * }</pre>
 *
 * <p>Java has no drop at the end of a scope, so {@link Mpsc.Sender#close()} is the
 * drop of a sender, and try-with-resources puts it where Rust's scope ends. When the
 * last sender is closed, the receiver takes what is left in the channel, then
 * {@code recv()} completes with {@code null}: Rust's {@code None}.
 *
 * <p>Two more cases are shown. A sender that is never closed keeps the channel open,
 * so the consumer waits for ever (as for a Rust sender that is never dropped; in Java
 * nothing drops it for you). And once the receiver is gone, a send fails with
 * {@link SendError}, which carries the value back (the {@code unwrap()} above would
 * panic).
 */
public final class ProducerConsumerExample {
    private ProducerConsumerExample() {
    }

    /** Sends ten messages, then closes its sender: the end of the stream. */
    static JoinHandle<Void> producer(Mpsc.Sender<String> tx) {
        return Task.spawn(() -> {
            try (tx) {                                      // tx is closed here, closing the channel
                for (int i = 0; i < 10; i++) {
                    tx.send("message " + i).await();        // waits while the channel is full
                }
            }
        });
    }

    /** Receives until every sender is closed and the channel is drained; answers what it received. */
    static JoinHandle<List<String>> consumer(Mpsc.Receiver<String> rx) {
        return Task.spawn(() -> {
            List<String> received = new ArrayList<>();
            for (String msg; (msg = rx.recv().await()) != null; ) {   // while let Some(msg) = rx.recv().await
                received.add("received: " + msg);
            }
            return received;
        });
    }

    /** {@code producer_consumer}: what the consumer received. */
    static List<String> producerConsumer() {
        var ch = Mpsc.<String>channel(100);
        JoinHandle<Void> producer = producer(ch.tx());
        JoinHandle<List<String>> consumer = consumer(ch.rx());
        return join(producer, consumer).await().second();
    }

    /**
     * The same consumer, with a producer that forgets to close its sender. A second
     * after the ten messages the consumer still waits; closing the sender late ends
     * the stream.
     *
     * @return the messages the consumer received, or {@code null} if it had finished
     *         within the second
     */
    static List<String> forgottenSender() throws Exception {
        var ch = Mpsc.<String>channel(100);
        Task.spawn(() -> {
            for (int i = 0; i < 10; i++) {
                ch.tx().send("message " + i).await();
            }                                                // no close: the channel stays open
        }).await();
        JoinHandle<List<String>> consumer = consumer(ch.rx());
        try {
            Time.timeout(Duration.ofSeconds(1), Future.borrow(consumer)).await();
            return null;
        } catch (Elapsed stillWaiting) {
            ch.tx().close();                                 // the drop that was missing
            return consumer.await();
        }
    }

    /** A send after the receiver is gone: the {@link SendError} carries the value back. */
    static Object sendAfterReceiverClosed() {
        var ch = Mpsc.<String>channel(100);
        ch.rx().close();                                   // the consumer is gone
        try (var tx = ch.tx()) {
            tx.send("message 0").await();
            throw new AssertionError("a send to a closed channel fails");
        } catch (SendError e) {
            return e.value();
        }
    }

    /**
     * The example's observable result.
     *
     * @param received             what the consumer received, in order
     * @param forgottenSender      what the consumer received when its producer forgot to close the
     *                             sender: {@code null} if it ended by itself, else the messages it
     *                             had after the sender was closed, a second too late
     * @param returnedBySendError  the value a send to a closed channel gave back
     */
    record Outcome(List<String> received, List<String> forgottenSender, Object returnedBySendError) {
    }

    /** Runs the example on a runtime whose clock starts paused: the second of waiting takes no real time. */
    public static Outcome run() {
        try (Runtime rt = Runtime.builder().startPaused(true).build()) {
            return run(rt);
        }
    }

    /** Runs the example on {@code runtime}, which must have time enabled. */
    public static Outcome run(Runtime runtime) {
        return runtime.blockOn(() -> new Outcome(producerConsumer(), forgottenSender(), sendAfterReceiverClosed()));
    }

    public static void main(String[] args) {
        Outcome o = run();
        o.received().forEach(System.out::println);
        System.out.println("every sender closed: recv() gave null after " + o.received().size() + " messages");
        System.out.println("sender not closed  : " + (o.forgottenSender() == null ? "the consumer ended (unexpected)"
                : "the consumer still waited a second later; closing the sender then ended it after "
                        + o.forgottenSender().size() + " messages"));
        System.out.println("receiver closed    : send failed with SendError, value back: " + o.returnedBySendError());
    }
}
