package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example waits 20 s on its paused clock; that takes no real time. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnboundedGrowthExampleTest {
    private static final int JOBS = UnboundedGrowthExample.JOBS;
    /** The consumer sleeps before each receive, the last one (which sees the end) included. */
    private static final Duration CONSUMER_DONE = UnboundedGrowthExample.PER_JOB.multipliedBy(JOBS + 1);

    @Test
    void withAnUnboundedChannelEveryJobWaitsInTheBuffer() {
        UnboundedGrowthExample.Run r = UnboundedGrowthExample.run().unbounded();
        assertEquals(JOBS, r.peakBuffered());
        assertEquals(Duration.ZERO, r.producerDone(), "nothing held the producer back");
        assertEquals(JOBS, r.consumed());
    }

    @Test
    void withABoundedChannelTheBufferNeverHoldsMoreThanItsCapacity() {
        UnboundedGrowthExample.Run r = UnboundedGrowthExample.run().bounded();
        assertEquals(UnboundedGrowthExample.CAPACITY, r.peakBuffered());
        assertEquals(JOBS, r.consumed());
    }

    @Test
    void backpressureRunsTheProducerAtTheConsumersPace() {
        UnboundedGrowthExample.Run r = UnboundedGrowthExample.run().bounded();
        // The last job goes in when the consumer has taken all but CAPACITY of them.
        assertEquals(UnboundedGrowthExample.PER_JOB.multipliedBy(JOBS - UnboundedGrowthExample.CAPACITY),
                r.producerDone());
    }

    @Test
    void theBoundCostsTheConsumerNoTime() {
        UnboundedGrowthExample.Outcome o = UnboundedGrowthExample.run();
        assertEquals(CONSUMER_DONE, o.unbounded().consumerDone());
        assertEquals(CONSUMER_DONE, o.bounded().consumerDone());
    }
}
