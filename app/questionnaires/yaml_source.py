"""Read YAML into plain data while remembering the line of every node, so errors can name it.

PyYAML's safe loader silently keeps the last of duplicate keys and expands aliases without limit;
this reader refuses both.
"""

import datetime
from dataclasses import dataclass, field

import yaml

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 100_000

Path = tuple[str | int, ...]


@dataclass
class SourceError(Exception):
    line: int
    message: str


@dataclass
class SourceDocument:
    data: object
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of the deepest existing node on `path` (1 when none is known)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


class _Reader:
    def __init__(self) -> None:
        self.constructor = yaml.SafeLoader("")
        self.lines: dict[Path, int] = {}
        self.visited = 0

    def convert(self, node: yaml.Node, path: Path):
        self.visited += 1
        if self.visited > MAX_NODES:
            raise SourceError(1, f"YAML aliases expand beyond {MAX_NODES} nodes; refusing to load")
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (index,)) for index, item in enumerate(node.value)]
        value = self.constructor.construct_object(node, deep=True)
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict:
        self.constructor.flatten_mapping(node)
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(key_node.start_mark.line + 1, "mapping keys must be plain values")
            key = self.constructor.construct_object(key_node)
            if isinstance(key, bool):
                key = key_node.value  # `yes:` as a key means the text, not a boolean
            if key in result:
                raise SourceError(key_node.start_mark.line + 1, f"duplicate key '{key}'")
            result[key] = self.convert(value_node, path + (key,))
        return result


def read_yaml(text: str | bytes) -> SourceDocument:
    if len(text) > MAX_FILE_BYTES:
        raise SourceError(1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise SourceError(1, "the YAML is nested too deeply") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise SourceError(line, f"invalid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise SourceError(1, "invalid YAML: " + " ".join(str(error).split())) from None
    if root is None:
        raise SourceError(1, "the file is empty")
    reader = _Reader()
    try:
        data = reader.convert(root, ())
    except RecursionError:
        raise SourceError(1, "the YAML is nested too deeply") from None
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        raise SourceError(mark.line + 1 if mark else 1, f"invalid YAML value: {error.problem}") from None
    return SourceDocument(data=data, lines=reader.lines)
