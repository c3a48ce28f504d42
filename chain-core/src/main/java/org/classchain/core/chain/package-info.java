/** The block tree with fork choice by cumulative work (a tie never moves a peer off its chain; two hosts' grants are ordered by host), reorgs, and the validated, stored chain a peer follows. */
package org.classchain.core.chain;
