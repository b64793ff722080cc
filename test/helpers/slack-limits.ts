/**
 * Checks a Block Kit payload against Slack's documented limits (DESIGN.md section 4).
 * Returns every problem found; an empty list means Slack would accept the shape.
 */
type Json = Record<string, unknown>;

const TEXT_MAX = 3000;

export function checkSlackMessage(payload: Json): string[] {
  const problems: string[] = [];
  const blocks = (payload.blocks as Json[] | undefined) ?? [];
  if (typeof payload.text === 'string' && payload.text.length > 40000) problems.push('text over 40000 characters');
  if (blocks.length > 50) problems.push(`${blocks.length} blocks in a message (max 50)`);
  blocks.forEach((block, i) => checkBlock(block, `blocks[${i}]`, problems));
  return problems;
}

export function checkSlackView(view: Json): string[] {
  const problems: string[] = [];
  const blocks = (view.blocks as Json[] | undefined) ?? [];
  if (blocks.length > 100) problems.push(`${blocks.length} blocks in a view (max 100)`);
  for (const key of ['title', 'submit', 'close'] as const) {
    const text = (view[key] as Json | undefined)?.text;
    if (typeof text === 'string' && text.length > 24) problems.push(`view ${key} over 24 characters`);
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) problems.push('private_metadata over 3000');
  if (JSON.stringify(view).length > 250_000) problems.push('view over 250 kB');
  blocks.forEach((block, i) => checkBlock(block, `blocks[${i}]`, problems));
  return problems;
}

function textOf(object: unknown): string | undefined {
  return (object as Json | undefined)?.text as string | undefined;
}

function checkLength(value: string | undefined, max: number, where: string, problems: string[]): void {
  if (value !== undefined && value.length > max) problems.push(`${where}: ${value.length} characters (max ${max})`);
}

function checkElement(element: Json, where: string, problems: string[]): void {
  checkLength(element.action_id as string | undefined, 255, `${where}.action_id`, problems);
  if (element.type === 'button') {
    checkLength(textOf(element.text), 75, `${where}.text`, problems);
    checkLength(element.value as string | undefined, 2000, `${where}.value`, problems);
  }
  const options = element.options as Json[] | undefined;
  if (options) {
    if (element.type === 'static_select' && options.length > 100) problems.push(`${where}: ${options.length} options (max 100)`);
    options.forEach((option, i) => {
      checkLength(textOf(option.text), 75, `${where}.options[${i}].text`, problems);
      checkLength(option.value as string | undefined, 75, `${where}.options[${i}].value`, problems);
    });
  }
}

function checkBlock(block: Json, where: string, problems: string[]): void {
  checkLength(block.block_id as string | undefined, 255, `${where}.block_id`, problems);
  switch (block.type) {
    case 'header':
      if ((block.text as Json | undefined)?.type !== 'plain_text') problems.push(`${where}: header text must be plain_text`);
      checkLength(textOf(block.text), 150, `${where}.text`, problems);
      break;
    case 'section': {
      const fields = block.fields as Json[] | undefined;
      if (!block.text && !fields) problems.push(`${where}: section without text or fields`);
      checkLength(textOf(block.text), TEXT_MAX, `${where}.text`, problems);
      if (textOf(block.text) === '') problems.push(`${where}: empty section text`);
      if (fields) {
        if (fields.length > 10) problems.push(`${where}: ${fields.length} fields (max 10)`);
        fields.forEach((field, i) => checkLength(textOf(field), 2000, `${where}.fields[${i}]`, problems));
      }
      if (block.accessory) checkElement(block.accessory as Json, `${where}.accessory`, problems);
      break;
    }
    case 'context': {
      const elements = (block.elements as Json[] | undefined) ?? [];
      if (elements.length === 0 || elements.length > 10) problems.push(`${where}: ${elements.length} context elements (1 to 10)`);
      elements.forEach((element, i) => checkLength(textOf(element), TEXT_MAX, `${where}.elements[${i}]`, problems));
      break;
    }
    case 'actions': {
      const elements = (block.elements as Json[] | undefined) ?? [];
      if (elements.length === 0 || elements.length > 25) problems.push(`${where}: ${elements.length} action elements (1 to 25)`);
      elements.forEach((element, i) => checkElement(element, `${where}.elements[${i}]`, problems));
      break;
    }
    case 'input':
      checkLength(textOf(block.label), 2000, `${where}.label`, problems);
      if (block.element) checkElement(block.element as Json, `${where}.element`, problems);
      break;
    case 'divider':
    case 'image':
    case 'rich_text':
      break;
    default:
      problems.push(`${where}: unknown block type ${String(block.type)}`);
  }
}
