package dev.weft.examples;

import static dev.weft.Join.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sync.Mpsc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProducerConsumerExampleTest extends PausedRuntimePerTest {
    private static final List<String> TEN = IntStream.range(0, 10).mapToObj(i -> "received: message " + i).toList();

    @Test
    void consumerReceivesTheTenMessagesInOrderThenNullOnceTheProducerClosedItsSender() {
        assertEquals(TEN, rt.blockOn(ProducerConsumerExample::producerConsumer));
    }

    @Test
    void aChannelOfOneSlotHoldsTheProducerBackAndLosesNothing() {
        List<String> received = rt.blockOn(() -> {
            var ch = Mpsc.<String>channel(1);
            return join(ProducerConsumerExample.producer(ch.tx()), ProducerConsumerExample.consumer(ch.rx()))
                    .await().second();
        });
        assertEquals(TEN, received);
    }

    @Test
    void aSenderThatIsNeverClosedKeepsTheConsumerWaitingUntilItIs() {
        List<String> received = rt.blockOn(ProducerConsumerExample::forgottenSender);
        assertEquals(TEN, received, "still waiting after a second (not null), then the late close ended it");
    }

    @Test
    void aSendToAChannelWhoseReceiverIsGoneFailsAndGivesTheValueBack() {
        assertEquals("message 0", rt.blockOn(ProducerConsumerExample::sendAfterReceiverClosed));
    }

    @Test
    void runGathersAllThree() {
        ProducerConsumerExample.Outcome o = ProducerConsumerExample.run();
        assertEquals(TEN, o.received());
        assertEquals(TEN, o.forgottenSender());
        assertTrue(o.returnedBySendError() instanceof String);
    }
}
