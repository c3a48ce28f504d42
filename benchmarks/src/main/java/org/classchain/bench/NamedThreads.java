package org.classchain.bench;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code bench-<what>-<n>}, for the harnesses' helper pools. */
final class NamedThreads implements ThreadFactory {

    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    NamedThreads(String what) {
        this.prefix = "bench-" + what + "-";
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, prefix + next.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
