package org.classchain.spi.host;

/**
 * Where a peer records what it would have shown on a screen it does not have (its log and a
 * notices file, say): the headless path of the modules. Thread-safe.
 */
public interface NoticeService {

    /**
     * Records a notice for the person at this computer.
     *
     * @param title what it is about, never null
     * @param text what it says, never null
     */
    void notice(String title, String text);
}
