package org.classchain.spi.host;

/**
 * Where a peer records what it would have shown on a screen it does not have (its log and a
 * notices file, say): the headless path of the modules. Thread-safe.
 */
public interface NoticeService {

    /** Records a notice for the person at this computer; neither argument is null. */
    void notice(String title, String text);
}
