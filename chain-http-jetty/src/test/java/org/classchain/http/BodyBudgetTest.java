package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arithmetic of {@link BodyBudget}, without HTTP. */
class BodyBudgetTest {

    @Test
    void anAddressGetsItsShareAndThePeerItsTotal() {
        BodyBudget b = new BodyBudget(1000, 400);
        assertThat(b.reserve("a", 300)).isZero();
        assertThat(b.reserve("a", 200)).as("a's share is 400").isEqualTo(429);
        assertThat(b.reserve("b", 400)).isZero();
        assertThat(b.reserve("c", 300)).isZero();
        assertThat(b.used()).isEqualTo(1000);
        assertThat(b.reserve("d", 1)).as("the total is held").isEqualTo(503);
        b.release("c", 300);
        assertThat(b.reserve("d", 1)).isZero();
        b.release("a", 300);
        b.release("b", 400);
        b.release("d", 1);
        assertThat(b.used()).isZero();
        assertThat(b.addresses()).as("nothing left in the table").isZero();
    }

    @Test
    void oneBodyLargerThanTheBudgetGetsThroughAlone() {
        BodyBudget b = new BodyBudget(1000, 400);
        assertThat(b.reserve("a", 5000)).isZero();
        assertThat(b.reserve("b", 1)).isEqualTo(503);
        b.release("a", 5000);
        assertThat(b.reserve("b", 5000)).isZero();
        assertThat(b.reserve("b", 1)).isEqualTo(429);
    }
}
