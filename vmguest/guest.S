/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmguest/guest.S - a tiny multiboot (v1) guest that exercises its RAM.
 *
 * QEMU loads it with -kernel (32-bit protected mode, paging off, at 1 MiB)
 * and passes the -append string as the multiboot command line:
 *
 *   seed=HEX    pattern seed (default 0)
 *   mb=N        use RAM only up to N MiB (default: all of mem_upper)
 *   hold        after reporting, halt instead of exiting (the VM keeps its
 *               RAM until whoever started QEMU kills it)
 *
 * It counts the nonzero words in [2 MiB, top of RAM - 1 MiB) (old=: 0 on
 * fresh, scrubbed memory; the loader stays below 2 MiB, and SeaBIOS uses
 * scratch memory in the last MiB under the top that mem_upper reports),
 * writes word[a] = a * 0x9e3779b1 + seed (mod
 * 2^32) to every 32-bit word at physical address a in that range, reads
 * everything back, counts the words that differ and sums what it read (mod
 * 2^32), then prints on the debug console (port 0xe9, -debugcon):
 *
 *   vmguest: start seed=SSSSSSSS
 *   vmguest: seed=SSSSSSSS lo=00200000 hi=HHHHHHHH words=WWWWWWWW sum=CCCCCCCC bad=BBBBBBBB
 *                                                                old=OOOOOOOO
 *   vmguest: holding            (hold only)
 *
 * and, unless holding, writes 0 (no bad word) or 1 to isa-debug-exit
 * (iobase 0xf4), so QEMU exits with status 1 or 3.  A missing multiboot
 * magic or memory field prints "vmguest: no multiboot info" and exits 3.
 *
 * The sum has a closed form, so a test can check it without the guest:
 * n = (hi - lo) / 4, sum = 0x9e3779b1 * (n * lo + 4 * n * (n - 1) / 2)
 * + n * seed (mod 2^32).
 */
	.set	MB_MAGIC, 0x1badb002
	.set	MB_FLAGS, 0x00000003		/* page-align modules, want mem_* */
	.set	MB_BOOT_MAGIC, 0x2badb002
	.set	K, 0x9e3779b1
	.set	LO, 0x00200000
	.set	DEBUGCON, 0xe9
	.set	DEBUG_EXIT, 0xf4

	.section .multiboot, "a"
	.align	4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	$stack_top, %esp
	cmpl	$MB_BOOT_MAGIC, %eax
	jne	no_info
	testl	$1, (%ebx)			/* flags: mem_lower/mem_upper valid */
	jz	no_info
	movl	8(%ebx), %eax			/* mem_upper, KiB above 1 MiB */
	shll	$10, %eax
	addl	$0x100000, %eax
	andl	$~0xfff, %eax
	movl	%eax, hi
	subl	$0x100000, %eax			/* SeaBIOS's scratch is up there */
	movl	%eax, oldhi
	testl	$4, (%ebx)			/* flags: cmdline valid */
	jz	1f
	movl	16(%ebx), %esi
	call	parse_cmdline
1:
	/* mb=N caps the top */
	movl	mb_cap, %eax
	testl	%eax, %eax
	jz	2f
	shll	$20, %eax
	cmpl	hi, %eax
	jae	2f
	movl	%eax, hi
2:
	movl	$msg_start, %esi
	call	puts
	movl	seed, %eax
	call	puthex
	call	putnl

	/* what was there before: nonzero words (a fresh domain reads 0) */
	movl	$LO, %edi
	movl	hi, %ecx
	cmpl	oldhi, %ecx
	jbe	13f
	movl	oldhi, %ecx
13:	xorl	%ebp, %ebp
10:	cmpl	%ecx, %edi
	jae	12f
	cmpl	$0, (%edi)
	je	11f
	incl	%ebp
11:	addl	$4, %edi
	jmp	10b
12:	movl	%ebp, old

	/* write pass: value(a) = a * K + seed, stepping by 4 * K */
	movl	$LO, %eax
	movl	$K, %edx
	mull	%edx				/* %eax = LO * K mod 2^32 */
	addl	seed, %eax
	movl	%eax, first
	movl	$LO, %edi
	movl	hi, %ecx
	movl	$K, %edx
	shll	$2, %edx			/* step: 4 * K */
3:	cmpl	%ecx, %edi
	jae	4f
	movl	%eax, (%edi)
	addl	$4, %edi
	addl	%edx, %eax
	jmp	3b
4:
	/* read pass: sum and mismatches */
	movl	$LO, %edi
	movl	first, %eax
	xorl	%ebx, %ebx			/* sum */
	xorl	%ebp, %ebp			/* bad */
5:	cmpl	%ecx, %edi
	jae	7f
	movl	(%edi), %esi
	addl	%esi, %ebx
	cmpl	%eax, %esi
	je	6f
	incl	%ebp
6:	addl	$4, %edi
	addl	%edx, %eax
	jmp	5b
7:
	movl	%ebx, sum
	movl	%ebp, bad

	movl	$msg_seed, %esi
	call	puts
	movl	seed, %eax
	call	puthex
	movl	$msg_lo, %esi
	call	puts
	movl	$LO, %eax
	call	puthex
	movl	$msg_hi, %esi
	call	puts
	movl	hi, %eax
	call	puthex
	movl	$msg_words, %esi
	call	puts
	movl	hi, %eax
	subl	$LO, %eax
	shrl	$2, %eax
	call	puthex
	movl	$msg_sum, %esi
	call	puts
	movl	sum, %eax
	call	puthex
	movl	$msg_bad, %esi
	call	puts
	movl	bad, %eax
	call	puthex
	movl	$msg_old, %esi
	call	puts
	movl	old, %eax
	call	puthex
	call	putnl

	cmpl	$0, hold
	je	8f
	movl	$msg_hold, %esi
	call	puts
halt:	cli
	hlt
	jmp	halt
8:
	xorl	%eax, %eax
	cmpl	$0, bad
	je	9f
	movl	$1, %eax
9:	movw	$DEBUG_EXIT, %dx
	outl	%eax, %dx
	jmp	halt

no_info:
	movl	$msg_noinfo, %esi
	call	puts
	movl	$1, %eax
	jmp	9b

/* parse_cmdline: %esi = NUL-terminated command line.  Words are separated
 * by spaces; "seed=HEX", "mb=DEC" and "hold" are recognised anywhere. */
parse_cmdline:
	pushl	%ebx
pc_word:
	movb	(%esi), %al
	testb	%al, %al
	jz	pc_done
	cmpb	$' ', %al
	jne	pc_try
	incl	%esi
	jmp	pc_word
pc_try:
	movl	$str_seed, %edi
	call	prefix
	jnz	1f
	call	parse_hex
	movl	%eax, seed
	jmp	pc_skip
1:	movl	$str_mb, %edi
	call	prefix
	jnz	2f
	call	parse_dec
	movl	%eax, mb_cap
	jmp	pc_skip
2:	movl	$str_hold, %edi
	call	prefix
	jnz	pc_skip
	movb	(%esi), %al			/* "hold" must end the word */
	testb	%al, %al
	jz	3f
	cmpb	$' ', %al
	jne	pc_skip
3:	movl	$1, hold
pc_skip:					/* to the next space or the end */
	movb	(%esi), %al
	testb	%al, %al
	jz	pc_done
	cmpb	$' ', %al
	je	pc_word
	incl	%esi
	jmp	pc_skip
pc_done:
	popl	%ebx
	ret

/* prefix: ZF set and %esi advanced past it if the string at %esi starts
 * with the NUL-terminated string at %edi; else ZF clear, %esi unchanged. */
prefix:
	pushl	%esi
1:	movb	(%edi), %al
	testb	%al, %al
	jz	2f
	cmpb	(%esi), %al
	jne	3f
	incl	%esi
	incl	%edi
	jmp	1b
2:	addl	$4, %esp			/* match: drop the saved %esi */
	xorl	%eax, %eax			/* ZF = 1 */
	ret
3:	popl	%esi
	orl	$1, %eax			/* ZF = 0 */
	ret

/* parse_hex / parse_dec: number at %esi (advanced) -> %eax; an optional
 * 0x prefix is skipped by parse_hex. */
parse_hex:
	xorl	%eax, %eax
	cmpw	$0x7830, (%esi)			/* "0x" */
	jne	1f
	addl	$2, %esi
1:	movzbl	(%esi), %ecx
	subl	$'0', %ecx
	cmpl	$9, %ecx
	jbe	2f
	movzbl	(%esi), %ecx
	orl	$0x20, %ecx			/* lower case */
	subl	$'a', %ecx
	cmpl	$5, %ecx
	ja	3f
	addl	$10, %ecx
2:	shll	$4, %eax
	orl	%ecx, %eax
	incl	%esi
	jmp	1b
3:	ret

parse_dec:
	xorl	%eax, %eax
1:	movzbl	(%esi), %ecx
	subl	$'0', %ecx
	cmpl	$9, %ecx
	ja	2f
	imull	$10, %eax
	addl	%ecx, %eax
	incl	%esi
	jmp	1b
2:	ret

/* puts: %esi = NUL-terminated string to the debug console */
puts:
	movw	$DEBUGCON, %dx
1:	movb	(%esi), %al
	testb	%al, %al
	jz	2f
	outb	%al, %dx
	incl	%esi
	jmp	1b
2:	ret

putnl:
	movw	$DEBUGCON, %dx
	movb	$'\n', %al
	outb	%al, %dx
	ret

/* puthex: %eax as 8 hex digits */
puthex:
	pushl	%ecx
	pushl	%ebx
	movl	%eax, %ebx
	movl	$8, %ecx
	movw	$DEBUGCON, %dx
1:	roll	$4, %ebx
	movl	%ebx, %eax
	andl	$0xf, %eax
	movb	hexdigits(%eax), %al
	outb	%al, %dx
	loop	1b
	popl	%ebx
	popl	%ecx
	ret

	.section .rodata
hexdigits:	.ascii	"0123456789abcdef"
str_seed:	.asciz	"seed="
str_mb:		.asciz	"mb="
str_hold:	.asciz	"hold"
msg_start:	.asciz	"vmguest: start seed="
msg_seed:	.asciz	"vmguest: seed="
msg_lo:		.asciz	" lo="
msg_hi:		.asciz	" hi="
msg_words:	.asciz	" words="
msg_sum:	.asciz	" sum="
msg_bad:	.asciz	" bad="
msg_old:	.asciz	" old="
msg_hold:	.asciz	"vmguest: holding\n"
msg_noinfo:	.asciz	"vmguest: no multiboot info\n"

	.data
	.align	4
seed:	.long	0
first:	.long	0
mb_cap:	.long	0
hold:	.long	0
hi:	.long	0
oldhi:	.long	0
sum:	.long	0
bad:	.long	0
old:	.long	0

	.bss
	.align	16
stack:	.skip	4096
stack_top:

	.section .note.GNU-stack, "", @progbits
