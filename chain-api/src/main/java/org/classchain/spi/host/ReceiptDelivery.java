package org.classchain.spi.host;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * When the receipt of a command this peer runs has left it: for a module whose effect would stop
 * the receipt from leaving (a shutdown, a reboot, a log-off), so that the teacher hears of the
 * command before the computer goes down. Every peer provides one. Thread-safe.
 */
public interface ReceiptDelivery {

    /**
     * Runs {@code action} {@code after} the receipt of command {@code commandId} that this peer is
     * making now (the module calls this from {@code execute}, before it returns its outcome) has
     * been taken by a host of the teacher's account, kept and acknowledged (kept here when this
     * peer is one; or taken by a classmate that forwards it to a host, when this peer's chain took
     * that classmate for one): the receipt no longer depends on this computer. When that has not
     * happened within {@code atMost}, then all the same. {@code action} is
     * told whether the receipt was taken. It runs on a thread of the peer, never before
     * {@code execute} returned; it is dropped, not run, when the peer closes first.
     *
     * @param commandId the command being run
     * @param after how long to wait once the receipt was taken (zero: at once)
     * @param atMost how long to wait for the receipt to be taken before running {@code action} anyway
     * @param action what to do; its argument says whether the receipt was taken
     */
    void afterDelivery(UUID commandId, Duration after, Duration atMost, Consumer<Boolean> action);
}
