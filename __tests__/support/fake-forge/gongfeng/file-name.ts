/**
 * The fake's rule for "工蜂会对文件名进行特殊字符的过滤" (the seed, 上传附件): Gongfeng filters
 * special characters out of attachment names and answers with the stored `name`. The rule itself
 * is not documented; the fake keeps letters and digits of any script, `.`, `_` and `-`, and drops
 * everything else (spaces, brackets, `+`, `#`, `&`, …). A name left empty is refused.
 */
export const filterAttachmentName = (name: string): string => name.replace(/[^\p{L}\p{N}._-]/gu, '')
