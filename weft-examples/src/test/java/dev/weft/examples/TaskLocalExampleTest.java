package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TaskLocalExampleTest {

    @Test
    void scopesBindTheValueForTheCodeInside() {
        TaskLocalExample.Outcome o = TaskLocalExample.run();
        assertEquals("[r-1] /users", o.syncScope());
        assertEquals("[r-2] /orders", o.futureScope());
        assertEquals("[r-3] /inventory", o.futureTaskScope());
    }

    @Test
    void asyncChildrenSeeTheScopeThatPolledThem() {
        TaskLocalExample.Outcome o = TaskLocalExample.run();
        assertEquals("[r-4] /a", o.firstChild());
        assertEquals("[r-4] /b", o.secondChild());
    }

    @Test
    void spawnedTasksAndCodeOutsideEveryScopeSeeNothing() {
        TaskLocalExample.Outcome o = TaskLocalExample.run();
        assertEquals(Optional.empty(), o.inSpawnedTask());
        assertEquals(Optional.empty(), o.outsideEveryScope());
    }
}
