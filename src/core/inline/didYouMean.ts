/**
 * Quick fixes for the config loader's "Did you mean" errors (`core/config/suggest.ts`): the edit the
 * message asks for, as offsets into the text the error's range covers.
 */

/**
 * The edit a "Did you mean" message asks for, within the diagnostic's text: the misspelt word (the
 * first quoted word of the message found there) replaced by the suggestion; a suggested placeholder
 * (`${runs.train.latest}`) replaces the whole range.
 */
export function didYouMeanFix(
  message: string,
  rangeText: string,
): { suggestion: string; replacement: string; offset: number; length: number } | undefined {
  const suggestion = [...message.matchAll(/Did you mean "([^"]+)"\?/g)].pop()?.[1];
  if (suggestion === undefined) {
    return undefined;
  }
  if (suggestion.startsWith('${')) {
    return { suggestion, replacement: suggestion, offset: 0, length: rangeText.length };
  }
  for (const [, word] of message.matchAll(/"([^"]+)"/g)) {
    const at = rangeText.indexOf(word);
    if (word !== suggestion && at >= 0) {
      return { suggestion, replacement: suggestion, offset: at, length: word.length };
    }
  }
  return undefined;
}
